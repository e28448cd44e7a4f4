package dev.sherlock.cli;

import picocli.CommandLine.Command;

/** {@code sherlock run}: Run the controller daemon against AWS. */
@Command(name = "run", description = "Run the controller daemon against AWS. (not available yet)")
public final class RunCommand extends NotAvailableYet {
  @Override
  String arrivesWith() {
    return "the controller (issue 4)";
  }
}
