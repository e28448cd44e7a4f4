package dev.sherlock.cli;

import picocli.CommandLine.Command;

/** {@code sherlock findings}: List or follow findings. */
@Command(name = "findings", description = "List or follow findings. (not available yet)")
public final class FindingsCommand extends NotAvailableYet {
  @Override
  String arrivesWith() {
    return "the findings API (issue 5)";
  }
}
