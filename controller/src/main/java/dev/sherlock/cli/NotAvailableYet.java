package dev.sherlock.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * A command that exists in the interface but is not built yet: it says so and exits with 2, rather
 * than printing anything that looks like a result.
 */
abstract class NotAvailableYet implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Unmatched java.util.List<String> ignored;

  /** What has to land first, in a few words. */
  abstract String arrivesWith();

  @Override
  public Integer call() {
    spec.commandLine()
        .getErr()
        .printf(
            "sherlock %s: not available yet: it arrives with %s.%n", spec.name(), arrivesWith());
    return 2;
  }
}
