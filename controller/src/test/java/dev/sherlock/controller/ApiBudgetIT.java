package dev.sherlock.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a resync spends of AWS's API budget, counted on the sandbox's ledger: the calls the
 * controller makes, as AWS would count them.
 */
class ApiBudgetIT {
  @TempDir Path root;
  private ControllerWorld world;
  private Controller controller;

  @BeforeEach
  void start() {
    world = new ControllerWorld(root);
    world.policy(
        "oom.yaml", ControllerWorld.oomPolicy("oom-debug", ControllerWorld.DEBUG_LOGS, ""));
    controller = world.start();
    world.awaitUntil(() -> controller.lastResync().isPresent());
    quiet();
  }

  @AfterEach
  void stop() {
    world.close();
  }

  @Test
  void aResyncOfServicesWithNothingOfSherlocksOnThemDescribesTenPerCallAndNothingMore() {
    world.sandbox.calls().reset();
    long before = controller.reconciles();

    controller.resync();

    // mysfits has two services: one DescribeServices for both, no reconcile describing one again.
    assertThat(world.sandbox.calls().count("ecs", "DescribeServices")).isEqualTo(1);
    assertThat(world.sandbox.calls().successes("ecs").keySet())
        .containsOnly("ListClusters", "ListServices", "DescribeServices");
    quiet();
    assertThat(controller.reconciles()).isEqualTo(before);
  }

  @Test
  void aResyncStillReconcilesAServiceWithAnOpenSession() {
    world.oomOnce("like-service");
    world.advanceUntil(
        Duration.ofSeconds(5),
        () -> world.runningRevision("like-service").equals("like-service:2"));
    quiet();
    world.sandbox.calls().reset();
    long before = controller.reconciles();

    controller.resync();

    // Its session expires, drifts or fails through the reconcile: the resync must not skip it.
    world.awaitUntil(() -> controller.reconciles() == before + 1);
    assertThat(world.sandbox.calls().count("ecs", "DescribeServices")).isEqualTo(2);
  }

  /** Waits until no reconcile has run for a second: what was queued is done. */
  private void quiet() {
    long[] seen = {controller.reconciles()};
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              long now = controller.reconciles();
              boolean still = now == seen[0];
              seen[0] = now;
              return still;
            });
  }
}
