package dev.sherlock.cli;

import picocli.CommandLine.Command;

/** {@code sherlock demo}: Run the Mysfits story end to end on the local sandbox. */
@Command(
    name = "demo",
    description = "Run the Mysfits story end to end on the local sandbox. (not available yet)")
public final class DemoCommand extends NotAvailableYet {
  @Override
  String arrivesWith() {
    return "the controller and the sandbox (issues 3 and 4)";
  }
}
