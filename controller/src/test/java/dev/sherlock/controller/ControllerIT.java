package dev.sherlock.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sherlock.finding.FindingKind;
import dev.sherlock.sandbox.workload.Scenario;
import dev.sherlock.session.Session;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.Tag;

/**
 * The like-service story end to end: a crash loop opens a session, the session ends, all is
 * reverted.
 */
class ControllerIT {
  @TempDir Path root;
  private ControllerWorld world;

  @BeforeEach
  void start() {
    world = new ControllerWorld(root);
    world.policy("crashloop.yaml", ControllerWorld.CRASH_LOOP_POLICY);
  }

  @AfterEach
  void stop() {
    world.close();
  }

  @Test
  void aCrashLoopOpensASessionThatDeploysDebugAndRevertsWhenItExpires() {
    world.start();
    world
        .sandbox
        .scenario()
        .add(new Scenario.CrashLoop("mysfits", "like-service", Duration.ofSeconds(20), 1));

    world.advanceUntil(Duration.ofSeconds(5), () -> !world.sessions().isEmpty());
    world.sandbox.scenario().clear(); // the responders found the cause
    world.advanceUntil(
        Duration.ofSeconds(5),
        () -> world.runningRevision("like-service").equals("like-service:2"));

    Session session = world.sessions().getFirst();
    assertThat(session.policy()).isEqualTo("like-crashloop");
    assertThat(session.reason()).contains("crash loop");
    var debug = world.revision(world.service("like-service").taskDefinition());
    ContainerDefinition app = debug.taskDefinition().containerDefinitions().getFirst();
    assertThat(app.environment())
        .contains(KeyValuePair.builder().name("LOGLEVEL").value("DEBUG").build());
    assertThat(debug.taskDefinition().containerDefinitions())
        .extracting(ContainerDefinition::name)
        .containsExactly("like-service", "xray-daemon");
    assertThat(debug.taskDefinition().taskRoleArn())
        .isEqualTo("arn:aws:iam::123456789012:role/like-service-task");
    assertThat(debug.tags())
        .extracting(Tag::key)
        .contains("sherlock:managed", "sherlock:base", "sherlock:session", "sherlock:overlay");
    assertThat(world.findings(FindingKind.TriggerFired)).hasSize(1);
    assertThat(world.findings(FindingKind.ActionApplied))
        .singleElement()
        .satisfies(f -> assertThat(f.summary()).contains("like-service now runs like-service:2"));

    world.advanceUntil(
        Duration.ofMinutes(1),
        () -> world.runningRevision("like-service").equals("like-service:1"));

    assertThat(world.sessions()).isEmpty();
    assertThat(world.findings(FindingKind.SessionEnded))
        .singleElement()
        .satisfies(f -> assertThat(f.summary()).contains("expired"));
    assertThat(world.findings(FindingKind.ActionReverted))
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.summary())
                    .startsWith("like-service back on like-service:1 (no session left): ")
                    .as("what the revert removed")
                    .contains("environment LOGLEVEL: \"DEBUG\" -> \"ERROR\""));
  }
}
