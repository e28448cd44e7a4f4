package dev.sherlock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sherlock.CommandLineRun;
import org.junit.jupiter.api.Test;

/** The command line as a newcomer meets it: help, and honest answers from unfinished commands. */
class CommandLineTest {

  @Test
  void helpListsEveryCommand() {
    CommandLineRun run = CommandLineRun.of("--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("validate", "plan", "run", "debug", "findings", "install", "uninstall", "health")
        // The product's command line carries no sandbox: that is the repository's ./sherlock.
        .doesNotContain("demo", "sandbox");
  }

  @Test
  void apiClientsSayPlainlyWhenNoSherlockIsRunning() {
    CommandLineRun run = CommandLineRun.of("findings", "--api", "http://127.0.0.1:9");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .startsWith("sherlock findings: error: cannot reach Sherlock's API at http://127.0.0.1:9")
        .doesNotContain("Exception");
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    CommandLineRun run = CommandLineRun.of("frobnicate");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Unmatched argument", "frobnicate");
  }
}
