package dev.sherlock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sherlock.CommandLineRun;
import dev.sherlock.RepoFiles;
import dev.sherlock.sandbox.MysfitsWorld;
import dev.sherlock.sandbox.Sandbox;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@code sherlock plan} without {@code --state} reads ECS live - and changes nothing there. */
class PlanLiveIT {

  @Test
  void plansAgainstLiveEcsWithReadCallsOnly() {
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    try (Sandbox sandbox =
        Sandbox.builder().virtualClock(Instant.parse("2026-11-20T09:00:00Z")).start()) {
      MysfitsWorld.seed(sandbox);
      sandbox.advance(Duration.ofSeconds(30));

      CommandLineRun run =
          CommandLineRun.of(
              "plan",
              RepoFiles.policies().toString(),
              "--endpoint",
              sandbox.endpoint().toString(),
              "--region",
              "us-east-1");

      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.out())
          .contains(
              "service mysfits/like-service (task definition like-service:1, desired count 2)")
          .contains("~ container like-service: environment LOGLEVEL: \"ERROR\" -> \"DEBUG\"")
          .contains("service mysfits/monolith (task definition monolith:1, desired count 2)");
      assertThat(sandbox.calls().successes("ecs"))
          .containsOnlyKeys(
              "ListClusters", "ListServices", "DescribeServices", "DescribeTaskDefinition");
    }
  }
}
