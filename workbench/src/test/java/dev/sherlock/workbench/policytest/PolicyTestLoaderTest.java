package dev.sherlock.workbench.policytest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sherlock.RepoFiles;
import dev.sherlock.policy.load.Diagnostic;
import dev.sherlock.workbench.policytest.PolicyTest.Expectation;
import dev.sherlock.workbench.policytest.PolicyTest.Happening;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** PolicyTest documents: the repository's bind whole; broken ones are reported at their place. */
class PolicyTestLoaderTest {
  private final PolicyTestLoader loader = new PolicyTestLoader();

  @Test
  void theRepositorysTestsBindWithTheirTimelinesAndExpectations() {
    PolicyTestLoader.Loaded loaded = loader.load(List.of(RepoFiles.policies().resolve("tests")));
    assertThat(loaded.problems()).isEmpty();
    assertThat(loaded.tests()).hasSizeGreaterThanOrEqualTo(7);
    PolicyTest placement =
        loaded.tests().stream()
            .map(PolicyTestLoader.LoadedTest::test)
            .filter(t -> t.name().equals("placement-failure-raises-capacity"))
            .findFirst()
            .orElseThrow();
    PolicyTest.Step step = placement.spec().timeline().getFirst();
    assertThat(step.at()).isEqualTo(Duration.ofMinutes(2));
    assertThat(step.what())
        .isInstanceOfSatisfying(
            Happening.Event.class,
            e ->
                assertThat(e.body().path("detail").path("eventName").asText())
                    .isEqualTo("SERVICE_TASK_PLACEMENT_FAILURE"));
    assertThat(placement.spec().expect().getFirst())
        .isEqualTo(
            new Expectation.SessionOpened(
                "monolith-capacity",
                "monolith",
                java.util.Optional.of(Duration.ofMinutes(3)),
                java.util.Optional.of(Duration.ofMinutes(2)),
                List.of(),
                java.util.Optional.empty()));
  }

  @Test
  void theDefaultDurationRunsTenMinutesPastTheLastThingThatHappens() {
    PolicyTest test =
        new PolicyTest(
            "t.yaml",
            "t",
            new PolicyTest.Spec(
                List.of(),
                java.util.Optional.empty(),
                java.util.Optional.empty(),
                java.util.Optional.empty(),
                List.of(
                    new PolicyTest.Step(
                        Duration.ofMinutes(5),
                        new Happening.CpuSpike(
                            "web", 90, java.util.Optional.of(Duration.ofMinutes(20))))),
                List.of()));
    assertThat(test.duration()).isEqualTo(Duration.ofMinutes(35));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "a step with no time | - oomKill: {service: web} | 7:7 | missing required field 'at'",
        "a time that is not a duration | - at: soon\\n  recover: {service: web}"
            + "| 7:11 | spec.timeline[0].at",
        "two happenings at once | - at: 1m\\n  recover: {service: web}\\n  oomKill: {service: web}"
            + "| 7:7 | spec.timeline[0]",
        "an unknown happening | - at: 1m\\n  explode: {service: web}"
            + "| 8:7 | unknown field 'explode'",
        "a percentage over 100 | - at: 1m\\n  cpuSpike: {service: web, percent: 300}"
            + "| 8:41 | spec.timeline[0].cpuSpike.percent",
      })
  void aBrokenTimelineIsReportedWhereItIs(
      String name, String timeline, String position, String message, @TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("broken.yaml");
    Files.writeString(
        file,
        """
        apiVersion: sherlock.dev/v1alpha1
        kind: PolicyTest
        metadata: {name: broken}
        spec:
          expect: [{noSession: {policy: p, service: web}}]
          timeline:
        %s
        """
            .formatted(timeline.replace("\\n", "\n").indent(4).stripTrailing()));
    PolicyTestLoader.Loaded loaded = loader.load(List.of(file));
    assertThat(loaded.tests()).isEmpty();
    assertThat(loaded.problems())
        .map(Diagnostic::format)
        .anyMatch(p -> p.startsWith(file + ":" + position + ": error: ") && p.contains(message));
  }

  @Test
  void otherKindsAndHostileFilesArePassedOverOrReportedNeverThrown(@TempDir Path dir)
      throws IOException {
    Files.writeString(
        dir.resolve("policy.yaml"), "apiVersion: sherlock.dev/v1alpha1\nkind: DebugPolicy\n");
    Files.writeString(dir.resolve("bomb.yaml"), "a: &a [*a, *a, *a, *a, *a, *a, *a, *a]\n");
    Files.writeString(dir.resolve("tabs.yaml"), "kind: PolicyTest\n\tspec: {}\n");
    PolicyTestLoader.Loaded loaded = loader.load(List.of(dir));
    assertThat(loaded.tests()).isEmpty();
    assertThat(loaded.problems())
        .map(Diagnostic::format)
        .allMatch(p -> p.matches(".+:\\d+:\\d+: error: .+"))
        .noneMatch(p -> p.contains("policy.yaml"));
  }
}
