package dev.sherlock.cli;

import picocli.CommandLine.Command;

/** {@code sherlock sandbox}: Run the local AWS control plane alone. */
@Command(
    name = "sandbox",
    description = "Run the local AWS control plane alone. (not available yet)")
public final class SandboxCommand extends NotAvailableYet {
  @Override
  String arrivesWith() {
    return "the sandbox (issue 3)";
  }
}
