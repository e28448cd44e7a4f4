package dev.sherlock.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sherlock.sandbox.faults.FaultInjector;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up: what the first resync reads, and what happens while ECS does not answer it. */
class StartUpIT {
  @TempDir Path root;
  private ControllerWorld world;

  @BeforeEach
  void policies() {
    world = new ControllerWorld(root);
    world.policy(
        "oom.yaml", ControllerWorld.oomPolicy("oom-debug", ControllerWorld.DEBUG_LOGS, ""));
  }

  @AfterEach
  void stop() {
    world.close();
  }

  @Test
  void aFirstResyncThatEcsRefusesIsTriedAgainAndTheControllerIsReadyOnceItAnswers() {
    world.sandbox.faults().inject("ecs", new FaultInjector.Faults(0, 1.0, Duration.ZERO));
    Controller controller = world.startWithoutWaiting();
    world.awaitUntil(() -> controller.lastResyncError().isPresent());
    assertThat(controller.progress().ready()).isFalse();

    world.sandbox.faults().inject("ecs", FaultInjector.Faults.NONE);

    world.advanceUntil(Duration.ofSeconds(5), () -> controller.progress().ready());
    assertThat(controller.lastResyncError()).isEmpty();
    assertThat(controller.progress().services()).isEqualTo(2); // mysfits: like-service, monolith
  }

  @Test
  void aRestartWithItsStoreDescribesNoRevisionItHasSeenBeforeAndReadsTenServicesPerCall() {
    world.start();
    world.stop();
    world.sandbox.calls().reset();

    world.start();

    // Revisions never change, and the store remembers which ones are not Sherlock's.
    assertThat(world.sandbox.calls().count("ecs", "DescribeTaskDefinition")).isZero();
    assertThat(world.sandbox.calls().count("ecs", "DescribeServices")).isEqualTo(1);
  }
}
