package dev.sherlock.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sherlock.finding.FindingKind;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.ecs.model.Tag;

/**
 * The store is lost between two runs (a new task without its disk). What the services' tags
 * remember is enough: a DebugSession still in git that already ran does not open again, and a
 * capacity floor Sherlock raised is put back.
 */
class LostStoreIT {
  @TempDir Path root;
  private ControllerWorld world;

  @AfterEach
  void stop() {
    world.close();
  }

  @Test
  void aDebugSessionThatRanDoesNotOpenAgain() throws IOException {
    world = new ControllerWorld(root);
    world.policy(
        "debug.yaml", ControllerWorld.oomPolicy("debug-logs", ControllerWorld.DEBUG_LOGS, ""));
    world.policy("inc-1.yaml", ControllerWorld.debugSession("inc-1", "10m", "INC-1"));
    world.start();
    world.advanceUntil(
        Duration.ofSeconds(5),
        () -> world.runningRevision("like-service").equals("like-service:2"));
    world.advanceUntil(
        Duration.ofMinutes(1),
        () ->
            world.runningRevision("like-service").equals("like-service:1")
                && serviceTags("like-service")
                    .getOrDefault("sherlock:ended", "")
                    .contains("git-inc-1@"));

    world.stop();
    world.deleteStore();
    world.start();
    // Two resyncs later (a minute apart), anything that reopened would have been applied.
    world.advanceUntil(Duration.ofSeconds(5), () -> world.controller.lastResync().isPresent());
    Instant first = world.controller.lastResync().orElseThrow();
    world.advanceUntil(
        Duration.ofSeconds(30), () -> world.controller.lastResync().orElseThrow().isAfter(first));

    assertThat(world.sessions()).as("nothing reopened").isEmpty();
    assertThat(world.findings(FindingKind.SessionOpened)).isEmpty();
    assertThat(world.runningRevision("like-service")).isEqualTo("like-service:1");
    assertThat(world.sandbox.calls().count("ecs", "RegisterTaskDefinition", "ok")).isEqualTo(1);
  }

  @Test
  void aRaisedCapacityFloorIsPutBack() throws IOException {
    world = new ControllerWorld(root);
    try (ApplicationAutoScalingClient autoScaling = world.scalableMonolith()) {
      world.start();
      world.oomOnce("monolith");
      world.advanceUntil(
          Duration.ofSeconds(5),
          () ->
              minCapacity(autoScaling) == 4
                  && serviceTags("monolith")
                      .getOrDefault("sherlock:before", "")
                      .contains("capacity="));

      world.stop();
      world.deleteStore();
      world.start();

      world.advanceUntil(Duration.ofSeconds(5), () -> minCapacity(autoScaling) == 2);
      assertThat(ControllerWorld.target(autoScaling).maxCapacity()).isEqualTo(3);
      assertThat(world.findings(FindingKind.Drift))
          .anySatisfy(
              f -> assertThat(f.summary()).contains("recovered from its tag sherlock:before"));
      world.advanceUntil(
          Duration.ofSeconds(5), () -> !serviceTags("monolith").containsKey("sherlock:before"));
    }
  }

  private Map<String, String> serviceTags(String service) {
    return world
        .ecs
        .listTagsForResource(b -> b.resourceArn(world.service(service).serviceArn()))
        .tags()
        .stream()
        .collect(Collectors.toMap(Tag::key, Tag::value));
  }

  private static int minCapacity(ApplicationAutoScalingClient autoScaling) {
    return ControllerWorld.target(autoScaling).minCapacity();
  }
}
