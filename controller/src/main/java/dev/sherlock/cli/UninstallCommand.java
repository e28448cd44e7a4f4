package dev.sherlock.cli;

import picocli.CommandLine.Command;

/** {@code sherlock uninstall}: Remove the EventBridge rule and SQS queue. */
@Command(
    name = "uninstall",
    description = "Remove the EventBridge rule and SQS queue. (not available yet)")
public final class UninstallCommand extends NotAvailableYet {
  @Override
  String arrivesWith() {
    return "the controller (issue 4)";
  }
}
