package dev.sherlock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sherlock.CommandLineRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line as a newcomer meets it: help, and honest answers from unfinished commands. */
class CommandLineTest {

  @Test
  void helpListsEveryCommand() {
    CommandLineRun run = CommandLineRun.of("--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains(
            "validate",
            "plan",
            "run",
            "demo",
            "sandbox",
            "debug",
            "findings",
            "install",
            "uninstall");
  }

  @ParameterizedTest
  @ValueSource(strings = {"debug", "findings"})
  void unfinishedCommandsSaySoAndExitWithTwo(String command) {
    CommandLineRun run = CommandLineRun.of(command, "--for", "3m");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .startsWith("sherlock " + command + ": not available yet: it arrives with");
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    CommandLineRun run = CommandLineRun.of("frobnicate");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Unmatched argument", "frobnicate");
  }
}
