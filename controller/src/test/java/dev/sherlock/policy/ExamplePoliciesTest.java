package dev.sherlock.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sherlock.RepoFiles;
import dev.sherlock.policy.load.PolicyLoader;
import dev.sherlock.policy.load.PolicySet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every example in policies/ validates on its own, and binds to what its story says. */
class ExamplePoliciesTest {
  private final PolicySet all = new PolicyLoader().load(List.of(RepoFiles.policies()));

  static Stream<Path> exampleFiles() throws IOException {
    try (Stream<Path> files = Files.list(RepoFiles.policies())) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("exampleFiles")
  void everyExampleValidatesAndBinds(Path file) {
    assertThat(all.problems()).isEmpty();
    assertThat(all.documents())
        .as("documents bound from %s", file)
        .anyMatch(d -> Path.of(d.source().file()).equals(file));
  }

  @Test
  void everyExampleFileNamesItsSchemaForEditors() throws IOException {
    for (Path file : exampleFiles().toList()) {
      assertThat(Files.readAllLines(file).getFirst())
          .as(file.toString())
          .matches(
              "# yaml-language-server: \\$schema=\\.\\./crds-yaml/debug(policy|session)\\.schema\\.yaml");
    }
  }

  @Test
  void theLatencyStoryRaisesTheLogLevelOnAP95Breach() {
    DebugPolicy policy = all.policy("like-latency-debug-logs").orElseThrow();

    assertThat(policy.spec().triggers())
        .singleElement()
        .isInstanceOfSatisfying(
            Trigger.Metric.class,
            m -> {
              assertThat(m.name()).isEqualTo("TargetResponseTime");
              assertThat(m.statistic()).contains("p95");
              assertThat(m.above()).contains(1.0);
              assertThat(m.forDuration()).contains(Duration.ofMinutes(3));
            });
    assertThat(policy.spec().actions())
        .contains(new Action.SetEnvironment("like-service", Map.of("LOGLEVEL", "DEBUG")));
    assertThat(policy.spec().session())
        .isEqualTo(new SessionSettings(Duration.ofMinutes(30), Duration.ofHours(2), 1));
  }

  @Test
  void theCrashLoopStoryOpensExecOnThreeRestarts() {
    DebugPolicy policy = all.policy("crashloop-exec").orElseThrow();

    assertThat(policy.spec().triggers())
        .containsExactly(new Trigger.Restarts(3, Duration.ofMinutes(10)));
    assertThat(policy.spec().actions()).contains(new Action.EnableExecuteCommand());
  }

  @Test
  void theOomStoryOnlyRecords() {
    DebugPolicy policy = all.policy("oom-snapshot").orElseThrow();

    assertThat(policy.spec().mode()).isEqualTo(Mode.DRY_RUN);
    assertThat(policy.spec().triggers())
        .containsExactly(
            new Trigger.TaskStopped(
                List.of("EssentialContainerExited"),
                List.of(137),
                Optional.of(Glob.of("OutOfMemory*")),
                Optional.empty()));
  }

  @Test
  void theIncidentSessionRunsTheLatencyPolicyFor45Minutes() {
    assertThat(all.sessions())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.name()).isEqualTo("inc-4711");
              assertThat(s.spec().policy()).isEqualTo("like-latency-debug-logs");
              assertThat(s.spec().duration()).contains(Duration.ofMinutes(45));
              assertThat(s.spec().target())
                  .isEqualTo(new DebugSessionSpec.ServiceRef("mysfits", "like-service"));
            });
  }
}
