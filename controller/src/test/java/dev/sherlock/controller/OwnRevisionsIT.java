package dev.sherlock.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sherlock.finding.FindingKind;
import dev.sherlock.overlay.TaskDefinitionOverlay;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;

/**
 * The revisions Sherlock registers are its own to recognise and to clean up: it knows them by the
 * ARNs it registered even where ECS answers without tags, and it deregisters each once nothing runs
 * it.
 */
class OwnRevisionsIT {
  @TempDir Path root;
  private ControllerWorld world;

  @BeforeEach
  void start() {
    world = new ControllerWorld(root);
    world.policy(
        "debug.yaml", ControllerWorld.oomPolicy("debug-logs", ControllerWorld.DEBUG_LOGS, ""));
  }

  @AfterEach
  void stop() {
    world.close();
  }

  @Test
  void withoutTagsItsOwnRevisionIsNotTakenForADeploy() {
    world.sandbox.ecs().answerWithoutTaskDefinitionTags(true);
    world.start();
    oomOnce();
    world.advanceUntil(
        Duration.ofSeconds(5),
        () -> world.runningRevision("like-service").equals("like-service:2"));

    // Ten minutes of resyncs (every minute here) and reconciles.
    for (int i = 0; i < 10; i++) {
      world.sandbox.advance(Duration.ofMinutes(1));
      world.controller.resyncNow();
      long done = world.controller.reconciles();
      world.awaitUntil(() -> world.controller.reconciles() > done);
    }

    assertThat(world.runningRevision("like-service")).isEqualTo("like-service:2");
    assertThat(world.sandbox.calls().count("ecs", "RegisterTaskDefinition", "ok")).isEqualTo(1);
    assertThat(world.findings(FindingKind.Drift)).isEmpty();
    world.advanceUntil(
        Duration.ofMinutes(1),
        () -> world.runningRevision("like-service").equals("like-service:1"));
  }

  /**
   * ECS registered the revision and its answer was lost: the SDK does not send the registration
   * again (it would register a second revision), and the next reconcile finds the first by its tags
   * and deploys it.
   */
  @Test
  void aRegistrationWhoseAnswerWasLostIsFoundNotRepeated() {
    world.start();
    world.sandbox.faults().loseAnswers("ecs.RegisterTaskDefinition", 1);
    oomOnce();
    world.advanceUntil(
        Duration.ofSeconds(5),
        () -> world.runningRevision("like-service").equals("like-service:2"));

    assertThat(
            world.ecs.listTaskDefinitions(b -> b.familyPrefix("like-service")).taskDefinitionArns())
        .extracting(arn -> arn.substring(arn.lastIndexOf('/') + 1))
        .as("one revision of Sherlock's")
        .containsExactly("like-service:1", "like-service:2");
    assertThat(world.sandbox.calls().count("ecs", "RegisterTaskDefinition", "ok")).isEqualTo(1);
  }

  @Test
  void aRevisionNothingRunsIsDeregistered() {
    world.start();
    oomOnce();
    world.advanceUntil(
        Duration.ofSeconds(5),
        () -> world.runningRevision("like-service").equals("like-service:2"));
    assertThat(world.revision("like-service:2").taskDefinition().status())
        .isEqualTo(TaskDefinitionStatus.ACTIVE);

    world.advanceUntil(
        Duration.ofMinutes(1),
        () ->
            world.runningRevision("like-service").equals("like-service:1")
                && world.revision("like-service:2").taskDefinition().status()
                    == TaskDefinitionStatus.INACTIVE);

    assertThat(world.revision("like-service:1").taskDefinition().status())
        .as("the service's own revision is never touched")
        .isEqualTo(TaskDefinitionStatus.ACTIVE);
    assertThat(world.sandbox.calls().count("ecs", "DeregisterTaskDefinition", "ok")).isEqualTo(1);
  }

  /**
   * A replica that lost its lease with its RegisterTaskDefinition on the wire registers a revision
   * that nobody records (here: registered late, tagged as Sherlock tags its own). It is never
   * deployed, and once the session is undone it is deregistered with the rest: nothing is left
   * behind.
   */
  @Test
  void aRevisionOfItsSessionThatNobodyRecordedIsDeregisteredOnceTheSessionIsUndone() {
    world.start();
    oomOnce();
    world.advanceUntil(
        Duration.ofSeconds(5),
        () -> world.runningRevision("like-service").equals("like-service:2"));
    var own = world.revision("like-service:2");
    String late =
        world
            .ecs
            .registerTaskDefinition(
                TaskDefinitionOverlay.asRegistration(own.taskDefinition(), own.tags()).toBuilder()
                    .tags(own.tags())
                    .build())
            .taskDefinition()
            .taskDefinitionArn();
    assertThat(late).endsWith("like-service:3");

    world.advanceUntil(
        Duration.ofMinutes(1),
        () ->
            world.runningRevision("like-service").equals("like-service:1")
                && world.revision("like-service:2").taskDefinition().status()
                    == TaskDefinitionStatus.INACTIVE
                && world.revision("like-service:3").taskDefinition().status()
                    == TaskDefinitionStatus.INACTIVE);
    assertThat(world.revision("like-service:1").taskDefinition().status())
        .isEqualTo(TaskDefinitionStatus.ACTIVE);
    assertThat(world.sandbox.calls().count("ecs", "UpdateService", "ok")).isEqualTo(2);
  }

  /**
   * Something keeps turning ECS Exec off again as soon as Sherlock turns it on: after three tries
   * Sherlock stops spending changes on it, and says so.
   */
  @Test
  void theSameChangeUndoneAgainAndAgainStopsWithAnError() throws Exception {
    java.nio.file.Files.delete(world.policies.resolve("debug.yaml"));
    world.policy(
        "exec.yaml",
        """
        apiVersion: sherlock.dev/v1alpha1
        kind: DebugPolicy
        metadata: {name: exec}
        spec:
          target: {cluster: mysfits, services: [like-service]}
          triggers: [{taskStopped: {exitCodes: [137]}}]
          actions: [{enableExecuteCommand: {}}]
        """);
    world.start();
    oomOnce();
    for (int round = 0; round < 4; round++) {
      world.advanceUntil(
          Duration.ofSeconds(5),
          () ->
              Boolean.TRUE.equals(world.service("like-service").enableExecuteCommand())
                  || !world.findings(FindingKind.Error).isEmpty());
      world.ecs.updateService(
          b -> b.cluster("mysfits").service("like-service").enableExecuteCommand(false));
      world.controller.enqueue(world.service("like-service").serviceArn());
    }

    world.awaitUntil(() -> !world.findings(FindingKind.Error).isEmpty());
    assertThat(world.findings(FindingKind.Error))
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.summary())
                    .contains("like-service was changed the same way 3 times within 30m"));
    long updates = world.sandbox.calls().count("ecs", "UpdateService", "ok");
    long reconciles = world.controller.reconciles();
    world.controller.enqueue(world.service("like-service").serviceArn());
    world.awaitUntil(() -> world.controller.reconciles() > reconciles);
    assertThat(world.sandbox.calls().count("ecs", "UpdateService", "ok"))
        .as("no more changes spent on it")
        .isEqualTo(updates);
    assertThat(world.service("like-service").enableExecuteCommand()).isFalse();
  }

  private void oomOnce() {
    world.oomOnce("like-service");
  }
}
