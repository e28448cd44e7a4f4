package dev.sherlock.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sherlock.finding.FindingKind;
import dev.sherlock.session.Session;
import dev.sherlock.session.Sessions;
import dev.sherlock.source.PolicySource;
import dev.sherlock.store.SessionStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ended, expired and failed are terminal. Sessions are ended while their changes are being applied,
 * again and again; none of them comes back, and the service ends on its own revision.
 */
class TerminalSessionsIT {
  @TempDir Path root;
  private ControllerWorld world;

  @AfterEach
  void stop() {
    world.close();
  }

  @Test
  void aSessionEndedDuringItsApplyStaysEnded() {
    // Fifteen sessions and their reverts are more changes than the default hourly budget.
    world = new ControllerWorld(root, java.util.Map.of("sherlock.mutations-per-hour", 1000));
    world.policy(
        "debug.yaml",
        """
        apiVersion: sherlock.dev/v1alpha1
        kind: DebugPolicy
        metadata: {name: debug-logs}
        spec:
          target: {cluster: mysfits, services: [like-service]}
          triggers: [{taskStopped: {exitCodes: [137]}}]
          actions:
            - setEnvironment: {container: like-service, variables: {LOGLEVEL: DEBUG}}
            - enableExecuteCommand: {}
          session: {duration: 30m, cooldown: 0s}
        """);
    world.start();
    world.awaitUntil(() -> world.controller.lastResync().isPresent());
    Sessions sessions = world.context.getBean(Sessions.class);
    var policy = world.context.getBean(PolicySource.class).current().policy("debug-logs").get();
    String serviceArn = world.service("like-service").serviceArn();

    List<String> ended = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      var outcome =
          sessions.open(
              new Sessions.Request(
                  policy,
                  "mysfits",
                  serviceArn,
                  "like-service",
                  Session.Origin.MANUAL,
                  "round " + i,
                  Optional.empty(),
                  Optional.empty()));
      String id = ((Sessions.Outcome.Opened) outcome).session().id();
      // End it at a different point of its apply each round: at once, or once the worker has
      // finished a reconcile since it opened.
      long reconciles = world.controller.reconciles();
      if (i % 2 == 1) {
        // Moving the clock a little: a reconcile that failed is tried again after its backoff.
        world.advanceUntil(
            Duration.ofMillis(200), () -> world.controller.reconciles() > reconciles);
      }
      sessions.end(id, "ended by hand");
      ended.add(id);
    }

    world.advanceUntil(
        Duration.ofSeconds(5),
        () ->
            world.runningRevision("like-service").equals("like-service:1")
                && !Boolean.TRUE.equals(world.service("like-service").enableExecuteCommand())
                && world.controller.queueDepth() == 0);
    SessionStore store = world.context.getBean(SessionStore.class);
    assertThat(ended)
        .allSatisfy(
            id ->
                assertThat(store.session(id).orElseThrow().state()).isEqualTo(Session.State.ENDED));
    assertThat(world.sessions()).isEmpty();
    assertThat(world.findings(FindingKind.SessionEnded)).hasSize(15);
  }

  @Test
  void aStaleCopyCannotOverwriteAnEndedSession() {
    world = new ControllerWorld(root);
    world.policy(
        "debug.yaml", ControllerWorld.oomPolicy("debug-logs", "- enableExecuteCommand: {}", ""));
    world.start();
    Sessions sessions = world.context.getBean(Sessions.class);
    var policy = world.context.getBean(PolicySource.class).current().policy("debug-logs").get();
    Session opened =
        ((Sessions.Outcome.Opened)
                sessions.open(
                    new Sessions.Request(
                        policy,
                        "mysfits",
                        world.service("like-service").serviceArn(),
                        "like-service",
                        Session.Origin.MANUAL,
                        "INC-5",
                        Optional.empty(),
                        Optional.empty())))
            .session();

    sessions.end(opened.id(), "ended by hand");

    assertThat(sessions.save(opened.withApplied("like-service:2", false))).isFalse();
    assertThat(sessions.find(opened.id()).orElseThrow().state()).isEqualTo(Session.State.ENDED);
    assertThat(sessions.end(opened.id(), "again")).isEmpty();
  }
}
