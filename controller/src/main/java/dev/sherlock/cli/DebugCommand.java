package dev.sherlock.cli;

import picocli.CommandLine.Command;

/** {@code sherlock debug}: Open, extend, end or list debug sessions by hand. */
@Command(
    name = "debug",
    description = "Open, extend, end or list debug sessions by hand. (not available yet)")
public final class DebugCommand extends NotAvailableYet {
  @Override
  String arrivesWith() {
    return "the findings API (issue 5)";
  }
}
