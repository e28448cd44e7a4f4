package dev.sherlock.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sherlock.finding.FindingKind;
import dev.sherlock.sandbox.faults.FaultInjector;
import dev.sherlock.sandbox.workload.Scenario;
import dev.sherlock.session.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;

/** The controller's hard cases, each against the sandbox with the real SDK. */
class ControllerScenariosIT {
  @TempDir Path root;
  private ControllerWorld world;

  @AfterEach
  void stop() {
    if (world != null) {
      world.close();
    }
  }

  private void oomOnce() {
    world.oomOnce("like-service");
  }

  @Test
  void aHumanDeployDuringASessionBecomesTheNewBaseAndIsNeverRolledBack() {
    world = new ControllerWorld(root);
    world.policy(
        "debug.yaml", ControllerWorld.oomPolicy("debug-logs", ControllerWorld.DEBUG_LOGS, ""));
    world.start();
    oomOnce();
    world.advanceUntil(
        Duration.ofSeconds(5),
        () -> world.runningRevision("like-service").equals("like-service:2"));

    // A person ships a new image while the session runs.
    var base = world.revision("like-service:1").taskDefinition();
    var human =
        world.ecs.registerTaskDefinition(copy(base, "like-service:2026.11.4")).taskDefinition();
    world.ecs.updateService(
        b ->
            b.cluster("mysfits").service("like-service").taskDefinition(human.taskDefinitionArn()));
    world.controller.enqueue(world.service("like-service").serviceArn());
    world.advanceUntil(
        Duration.ofSeconds(5),
        () -> world.runningRevision("like-service").equals("like-service:4"));

    var overlay = world.revision("like-service:4");
    assertThat(overlay.taskDefinition().containerDefinitions().getFirst().image())
        .endsWith("like-service:2026.11.4");
    assertThat(overlay.taskDefinition().containerDefinitions().getFirst().environment())
        .contains(KeyValuePair.builder().name("LOGLEVEL").value("DEBUG").build());
    assertThat(world.findings(FindingKind.Drift))
        .singleElement()
        .satisfies(f -> assertThat(f.summary()).contains("like-service:3").contains("new base"));

    world.advanceUntil(
        Duration.ofMinutes(1),
        () ->
            world.sessions().isEmpty()
                && world.runningRevision("like-service").equals("like-service:3"));
    assertThat(world.runningRevision("like-service"))
        .as("the revert lands on the person's revision")
        .isEqualTo("like-service:3");
  }

  @Test
  void twoPoliciesOnOneServiceShareOneOverlayRevision() {
    world = new ControllerWorld(root);
    world.policy("a.yaml", ControllerWorld.oomPolicy("debug-logs", ControllerWorld.DEBUG_LOGS, ""));
    world.policy(
        "b.yaml",
        ControllerWorld.oomPolicy(
            "xray",
            """
        - attachSidecar: {name: xray-daemon, image: public.ecr.aws/xray/aws-xray-daemon:3.3.7, memory: 256}
        - setEnvironment: {container: like-service, variables: {LOGLEVEL: TRACE, TRACING: "on"}}""",
            ""));
    world.start();
    world
        .sandbox
        .scenario()
        .add(new Scenario.OomKill("mysfits", "like-service", Duration.ofSeconds(5)));
    world.advanceUntil(Duration.ofSeconds(5), () -> world.sessions().size() == 2);
    world.sandbox.scenario().clear();
    world.advanceUntil(
        Duration.ofSeconds(5),
        () -> {
          var td = world.revision(world.service("like-service").taskDefinition()).taskDefinition();
          return td.containerDefinitions().size() == 2;
        });

    var td = world.revision(world.service("like-service").taskDefinition()).taskDefinition();
    List<Session> sessions = world.sessions();
    String first = sessions.getFirst().policy();
    String expectedLevel = first.equals("debug-logs") ? "DEBUG" : "TRACE";
    assertThat(td.containerDefinitions().getFirst().environment())
        .as("the older session wins a conflict; the other variable is merged")
        .contains(
            KeyValuePair.builder().name("LOGLEVEL").value(expectedLevel).build(),
            KeyValuePair.builder().name("TRACING").value("on").build());
    assertThat(world.findings(FindingKind.Error))
        .anySatisfy(f -> assertThat(f.summary()).contains("sessions disagree on LOGLEVEL"));
  }

  @Test
  void duplicatedAndReorderedEventsCauseNoExtraMutation() {
    world = new ControllerWorld(root);
    world.policy(
        "debug.yaml", ControllerWorld.oomPolicy("debug-logs", ControllerWorld.DEBUG_LOGS, ""));
    world.sandbox.eventDelivery().chaos(1.0, 0.5);
    world.start();
    oomOnce();
    world.advanceUntil(
        Duration.ofSeconds(5),
        () -> world.runningRevision("like-service").equals("like-service:2"));
    world.advanceUntil(
        Duration.ofSeconds(10), () -> world.service("like-service").deployments().size() == 1);
    world.awaitUntil(() -> world.controller.duplicateEvents() > 10);

    assertThat(world.sandbox.calls().count("ecs", "RegisterTaskDefinition", "ok")).isEqualTo(1);
    assertThat(world.sandbox.calls().count("ecs", "UpdateService", "ok")).isEqualTo(1);
    assertThat(world.findings(FindingKind.SessionOpened)).hasSize(1);
  }

  @Test
  void aSidecarImageThatCannotBePulledFailsTheSessionOnceAndForAll() {
    world =
        new ControllerWorld(
            root, Map.of("sherlock.sidecar-images", List.of("registry.example.com/debug/")));
    world.policy(
        "profiler.yaml",
        ControllerWorld.oomPolicy(
            "profiler",
            "- attachSidecar: {name: profiler, image: registry.example.com/debug/profiler:1, memory: 128}",
            ""));
    world.start();
    oomOnce();

    world.advanceUntil(
        Duration.ofSeconds(10), () -> !world.findings(FindingKind.SessionFailed).isEmpty());
    world.advanceUntil(
        Duration.ofSeconds(10),
        () ->
            world.runningRevision("like-service").equals("like-service:1")
                && world.service("like-service").deployments().size() == 1);
    world.sandbox.advance(Duration.ofMinutes(5));
    world.awaitUntil(() -> world.controller.queueDepth() == 0 || world.controller.reconciles() > 0);

    assertThat(world.findings(FindingKind.SessionFailed))
        .singleElement()
        .satisfies(f -> assertThat(f.summary()).contains("ECS").contains("like-service:1"));
    assertThat(world.sandbox.calls().count("ecs", "RegisterTaskDefinition", "ok"))
        .as("no second attempt")
        .isEqualTo(1);
    assertThat(world.sessions()).isEmpty();
  }

  @Test
  void aRestartWithTheStoreKeptResumesTheSession() {
    world = new ControllerWorld(root);
    world.policy(
        "debug.yaml", ControllerWorld.oomPolicy("debug-logs", ControllerWorld.DEBUG_LOGS, ""));
    world.start();
    oomOnce();
    world.advanceUntil(
        Duration.ofSeconds(5),
        () -> world.runningRevision("like-service").equals("like-service:2"));
    world.stop();

    world.start();
    assertThat(world.sessions()).hasSize(1);
    world.advanceUntil(
        Duration.ofMinutes(1),
        () -> world.runningRevision("like-service").equals("like-service:1"));
    assertThat(world.sandbox.calls().count("ecs", "RegisterTaskDefinition", "ok")).isEqualTo(1);
  }

  @Test
  void aRestartWithTheStoreLostRebuildsTheSessionFromTags() throws Exception {
    world = new ControllerWorld(root);
    world.policy(
        "debug.yaml", ControllerWorld.oomPolicy("debug-logs", ControllerWorld.DEBUG_LOGS, ""));
    world.start();
    oomOnce();
    world.advanceUntil(
        Duration.ofSeconds(5),
        () -> world.runningRevision("like-service").equals("like-service:2"));
    String id = world.sessions().getFirst().id();
    world.stop();
    world.deleteStore();

    world.start();
    assertThat(world.sessions())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.id()).isEqualTo(id);
              assertThat(s.origin()).isEqualTo(Session.Origin.RECOVERED);
              assertThat(s.policy()).isEqualTo("debug-logs");
            });
    world.advanceUntil(
        Duration.ofMinutes(1),
        () -> world.runningRevision("like-service").equals("like-service:1"));
  }

  @Test
  void anInvalidPolicyEditIsRejectedAndTheLastGoodVersionKeepsRunning() throws Exception {
    world = new ControllerWorld(root);
    world.policy(
        "debug.yaml", ControllerWorld.oomPolicy("debug-logs", ControllerWorld.DEBUG_LOGS, ""));
    world.start();
    world.policy(
        "debug.yaml",
        ControllerWorld.oomPolicy("debug-logs", ControllerWorld.DEBUG_LOGS, "")
            .replace("duration: 30m", "duration: 30mins"));

    world.awaitUntil(() -> !world.findings(FindingKind.PolicyRejected).isEmpty());
    assertThat(world.findings(FindingKind.PolicyRejected))
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.summary())
                    .matches(
                        ".*debug\\.yaml:\\d+:\\d+: error: spec\\.session\\.duration: bad duration '30mins'.*")
                    .endsWith("(the last good version keeps running)"));
    oomOnce();
    world.advanceUntil(
        Duration.ofSeconds(5),
        () -> world.runningRevision("like-service").equals("like-service:2"));
  }

  @Test
  void dryRunRecordsThePlanAndMakesNoMutatingCall() {
    world = new ControllerWorld(root, Map.of("sherlock.mode", "dryRun"));
    world.policy(
        "debug.yaml",
        ControllerWorld.oomPolicy(
            "debug-logs", ControllerWorld.DEBUG_LOGS + "\n- enableExecuteCommand: {}", ""));
    world.start();
    oomOnce();
    world.awaitUntil(() -> !world.findings(FindingKind.Plan).isEmpty());
    world.advanceUntil(Duration.ofMinutes(1), () -> world.sessions().isEmpty());

    assertThat(world.findings(FindingKind.Plan))
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.summary())
                    .contains(
                        "~ container like-service: environment LOGLEVEL: \"ERROR\" -> \"DEBUG\"")
                    .contains("enableExecuteCommand: false -> true"));
    assertThat(world.sandbox.calls().count("ecs", "RegisterTaskDefinition", "ok")).isZero();
    assertThat(world.sandbox.calls().count("ecs", "UpdateService")).isZero();
    for (String service : List.of("ecs", "application-autoscaling")) {
      assertThat(world.sandbox.calls().successes(service).keySet())
          .as("%s: describe and list calls only (no tags, no deregistration)", service)
          .allMatch(op -> op.startsWith("Describe") || op.startsWith("List"));
    }
    assertThat(world.runningRevision("like-service")).isEqualTo("like-service:1");
  }

  @Test
  void ecsExecIsTurnedOnForTheSessionAndOffAfter() {
    world = new ControllerWorld(root);
    world.policy("exec.yaml", ControllerWorld.oomPolicy("exec", "- enableExecuteCommand: {}", ""));
    world.start();
    oomOnce();
    world.advanceUntil(
        Duration.ofSeconds(5),
        () -> Boolean.TRUE.equals(world.service("like-service").enableExecuteCommand()));

    assertThat(world.runningRevision("like-service"))
        .as("exec needs no new revision")
        .isEqualTo("like-service:1");
    world.advanceUntil(
        Duration.ofMinutes(1),
        () -> !Boolean.TRUE.equals(world.service("like-service").enableExecuteCommand()));
    assertThat(world.findings(FindingKind.ActionReverted))
        .singleElement()
        .satisfies(f -> assertThat(f.summary()).contains("ECS Exec off"));
  }

  @Test
  void underThirtyPercentThrottlingEverythingStillConverges() {
    world = new ControllerWorld(root);
    world.policy(
        "debug.yaml", ControllerWorld.oomPolicy("debug-logs", ControllerWorld.DEBUG_LOGS, ""));
    world.sandbox.faults().inject("ecs", new FaultInjector.Faults(0.3, 0, Duration.ZERO));
    world.start();
    oomOnce();
    world.advanceUntil(
        Duration.ofSeconds(5),
        () -> world.runningRevision("like-service").equals("like-service:2"));
    world.advanceUntil(
        Duration.ofMinutes(1),
        () -> world.runningRevision("like-service").equals("like-service:1"));

    assertThat(world.sandbox.calls().count("ecs", "DescribeServices", "ThrottlingException"))
        .isPositive();
    assertThat(world.findings(FindingKind.ActionApplied)).hasSize(1);
    assertThat(world.findings(FindingKind.ActionReverted)).hasSize(1);
  }

  @Test
  void aDebugSessionInGitOpensAtOnceAndEndsWhenItsFileIsRemoved() throws Exception {
    world = new ControllerWorld(root);
    world.policy(
        "debug.yaml", ControllerWorld.oomPolicy("debug-logs", ControllerWorld.DEBUG_LOGS, ""));
    world.policy("inc-9.yaml", ControllerWorld.debugSession("inc-9", "2h", "INC-9 slow likes"));
    world.start();
    world.advanceUntil(
        Duration.ofSeconds(5),
        () -> world.runningRevision("like-service").equals("like-service:2"));

    assertThat(world.sessions())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.id()).isEqualTo("git-inc-9");
              assertThat(s.origin()).isEqualTo(Session.Origin.GIT);
              assertThat(s.reason()).isEqualTo("INC-9 slow likes");
            });
    Files.delete(world.policies.resolve("inc-9.yaml"));
    world.advanceUntil(
        Duration.ofSeconds(5),
        () -> world.runningRevision("like-service").equals("like-service:1"));
    assertThat(world.findings(FindingKind.SessionEnded))
        .singleElement()
        .satisfies(f -> assertThat(f.summary()).contains("its DebugSession document was removed"));
  }

  @Test
  void aSidecarImageOffTheAllowListIsRefusedAndTheRestOfTheSessionProceeds() {
    world = new ControllerWorld(root);
    world.policy(
        "miner.yaml",
        ControllerWorld.oomPolicy(
            "sneaky",
            ControllerWorld.DEBUG_LOGS
                + "\n- attachSidecar: {name: miner, image: docker.io/evil/miner:1, memory: 64}",
            ""));
    world.start();
    oomOnce();
    world.advanceUntil(
        Duration.ofSeconds(5),
        () -> world.runningRevision("like-service").equals("like-service:2"));

    var revision = world.revision("like-service:2").taskDefinition();
    assertThat(revision.containerDefinitions())
        .extracting(ContainerDefinition::name)
        .containsExactly("like-service");
    assertThat(revision.containerDefinitions().getFirst().environment())
        .contains(KeyValuePair.builder().name("LOGLEVEL").value("DEBUG").build());
    assertThat(world.findings(FindingKind.Error))
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.summary())
                    .startsWith(
                        "sidecar miner refused: image docker.io/evil/miner:1 is not on the allow-list"));
  }

  @Test
  void capacityIsRaisedForTheSessionAndPutBackAfterIt() {
    world = new ControllerWorld(root);
    var autoScaling = world.scalableMonolith();
    world.start();
    world.oomOnce("monolith");
    world.advanceUntil(Duration.ofSeconds(5), () -> world.service("monolith").runningCount() == 4);

    var raised = ControllerWorld.target(autoScaling);
    assertThat(raised.minCapacity()).isEqualTo(4);
    assertThat(raised.maxCapacity()).as("the maximum rises to fit the floor").isEqualTo(4);
    assertThat(world.findings(FindingKind.ActionApplied))
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.summary())
                    .isEqualTo("monolith capacity floor 2 -> 4 (scalable target minimum)"));
    assertThat(world.runningRevision("monolith"))
        .as("no new revision for capacity")
        .isEqualTo("monolith:1");

    world.advanceUntil(
        Duration.ofMinutes(1), () -> ControllerWorld.target(autoScaling).minCapacity() == 2);
    assertThat(ControllerWorld.target(autoScaling).maxCapacity()).isEqualTo(3);
    world.advanceUntil(Duration.ofSeconds(5), () -> world.service("monolith").runningCount() == 2);
    assertThat(world.findings(FindingKind.ActionReverted))
        .singleElement()
        .satisfies(f -> assertThat(f.summary()).startsWith("monolith capacity floor back to 2"));
    autoScaling.close();
  }

  private static RegisterTaskDefinitionRequest copy(
      software.amazon.awssdk.services.ecs.model.TaskDefinition base, String tag) {
    ContainerDefinition app = base.containerDefinitions().getFirst();
    String image = app.image().substring(0, app.image().lastIndexOf(':') + 1) + tag;
    return RegisterTaskDefinitionRequest.builder()
        .family(base.family())
        .networkMode(base.networkMode())
        .requiresCompatibilities(base.requiresCompatibilities())
        .cpu(base.cpu())
        .memory(base.memory())
        .taskRoleArn(base.taskRoleArn())
        .executionRoleArn(base.executionRoleArn())
        .containerDefinitions(app.toBuilder().image(image).build())
        .build();
  }
}
