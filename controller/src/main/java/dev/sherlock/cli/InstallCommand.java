package dev.sherlock.cli;

import picocli.CommandLine.Command;

/** {@code sherlock install}: Create the EventBridge rule and SQS queue Sherlock reads. */
@Command(
    name = "install",
    description = "Create the EventBridge rule and SQS queue Sherlock reads. (not available yet)")
public final class InstallCommand extends NotAvailableYet {
  @Override
  String arrivesWith() {
    return "the controller (issue 4)";
  }
}
