package dev.sherlock.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sherlock.finding.Finding;
import dev.sherlock.finding.FindingKind;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.model.ClusterField;

/**
 * enableContainerInsights: the cluster's setting is reference-counted across its services'
 * sessions, survives a restart in the store, goes back when the last session ends, and a person's
 * change of it wins.
 */
class ClusterInsightsIT {
  @TempDir Path root;
  private ControllerWorld world;

  @BeforeEach
  void policies() {
    world = new ControllerWorld(root);
    world.policy("like.yaml", policy("insights-like", "like-service", "enabled"));
    world.policy("monolith.yaml", policy("insights-monolith", "monolith", "enhanced"));
  }

  @AfterEach
  void stop() {
    world.close();
  }

  @Test
  void countedAcrossServicesKeptOverARestartAndPutBackWhenTheLastSessionEnds() {
    world.policy("s1.yaml", session("short", "insights-like", "like-service", "10m"));
    world.policy("s2.yaml", session("long", "insights-monolith", "monolith", "20m"));
    world.start();
    world.advanceUntil(Duration.ofSeconds(10), () -> setting().equals("enhanced"));
    assertThat(world.findings(FindingKind.ActionApplied))
        .extracting(Finding::summary)
        .anyMatch(s -> s.startsWith("Container Insights on cluster mysfits: enhanced (was"));

    world.stop(); // as a crash: the store keeps what the setting was
    world.sandbox.advance(Duration.ofMinutes(12));
    world.start();
    world.advanceUntil(
        Duration.ofSeconds(10),
        () -> world.sessions().stream().filter(s -> s.active()).count() == 1);
    assertThat(setting()).as("monolith's session still needs it").isEqualTo("enhanced");

    world.advanceUntil(Duration.ofSeconds(30), () -> setting().equals("disabled"));
    assertThat(world.findings(FindingKind.ActionReverted))
        .extracting(Finding::summary)
        .contains("Container Insights on cluster mysfits back to disabled (no session needs it)");
    long updates = world.sandbox.calls().count("ecs", "UpdateClusterSettings", "ok");
    world.sandbox.advance(Duration.ofMinutes(5));
    assertThat(world.sandbox.calls().count("ecs", "UpdateClusterSettings", "ok"))
        .as("nothing more to do")
        .isEqualTo(updates);
  }

  @Test
  void aPersonsChangeOfTheSettingWins() {
    world.policy("s1.yaml", session("short", "insights-like", "like-service", "10m"));
    world.start();
    world.advanceUntil(Duration.ofSeconds(10), () -> setting().equals("enabled"));

    world.ecs.updateClusterSettings(
        b -> b.cluster("mysfits").settings(s -> s.name("containerInsights").value("enhanced")));
    world.advanceUntil(Duration.ofSeconds(30), () -> !world.findings(FindingKind.Drift).isEmpty());
    assertThat(world.findings(FindingKind.Drift).getFirst().summary())
        .contains("set to enhanced by someone else");

    world.advanceUntil(
        Duration.ofSeconds(30), () -> world.sessions().stream().noneMatch(s -> s.active()));
    world.sandbox.advance(Duration.ofMinutes(2));
    assertThat(setting()).as("theirs stays").isEqualTo("enhanced");
    assertThat(world.findings(FindingKind.ActionReverted))
        .extracting(Finding::summary)
        .noneMatch(s -> s.contains("Container Insights"));
  }

  @Test
  void aThrottledChangeIsTriedAgainNotTakenForAPersons() {
    world.policy("s1.yaml", session("short", "insights-like", "like-service", "10m"));
    world
        .sandbox
        .faults()
        .inject(
            "ecs.UpdateClusterSettings",
            new dev.sherlock.sandbox.faults.FaultInjector.Faults(1.0, 0, Duration.ZERO));
    world.start();
    world.advanceUntil(
        Duration.ofSeconds(10),
        () ->
            world.sandbox.calls().count("ecs", "UpdateClusterSettings", "ThrottlingException") > 0);
    assertThat(setting()).isEqualTo("disabled");

    world
        .sandbox
        .faults()
        .inject(
            "ecs.UpdateClusterSettings",
            new dev.sherlock.sandbox.faults.FaultInjector.Faults(0, 0, Duration.ZERO));
    world.advanceUntil(Duration.ofSeconds(10), () -> setting().equals("enabled"));
    assertThat(world.findings(FindingKind.Drift)).isEmpty();
    world.advanceUntil(Duration.ofSeconds(30), () -> setting().equals("disabled"));
  }

  private String setting() {
    return world
        .ecs
        .describeClusters(b -> b.clusters("mysfits").include(ClusterField.SETTINGS))
        .clusters()
        .getFirst()
        .settings()
        .getFirst()
        .value();
  }

  private static String policy(String name, String service, String level) {
    return """
        apiVersion: sherlock.dev/v1alpha1
        kind: DebugPolicy
        metadata: {name: %s}
        spec:
          target: {cluster: mysfits, services: [%s]}
          triggers:
            - restarts: {count: 50, within: 10m}
          actions:
            - enableContainerInsights: {level: %s}
          session: {duration: 30m}
        """
        .formatted(name, service, level);
  }

  private static String session(String name, String policy, String service, String duration) {
    return """
        apiVersion: sherlock.dev/v1alpha1
        kind: DebugSession
        metadata: {name: %s}
        spec:
          policy: %s
          target: {cluster: mysfits, service: %s}
          duration: %s
          reason: look at the cluster
        """
        .formatted(name, policy, service, duration);
  }
}
