package dev.sherlock.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sherlock.ha.Leadership;
import dev.sherlock.overlay.Overlay;
import dev.sherlock.overlay.TaskDefinitionOverlay;
import dev.sherlock.policy.DebugPolicy;
import dev.sherlock.session.PendingRegistration;
import dev.sherlock.session.Session;
import dev.sherlock.session.TestSessions;
import dev.sherlock.source.PolicySource;
import dev.sherlock.store.DynamoDbStore;
import dev.sherlock.store.TestDynamoDb;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The controller on the shared DynamoDB store: it acts once it holds the lease, and acts on
 * sessions another replica opened and ended through its API - written to the store, as that
 * replica's API writes them, by a second store client.
 */
class SharedStoreIT {
  private static final String SERVICE_ARN =
      "arn:aws:ecs:us-east-1:123456789012:service/mysfits/like-service";

  @TempDir Path root;
  private ControllerWorld world;
  private DynamoDbClient dynamo;
  private DynamoDbStore elsewhere;

  @BeforeEach
  void start() {
    world = ControllerWorld.onTheSharedStore(root);
    world.policy("crashloop.yaml", ControllerWorld.CRASH_LOOP_POLICY);
    dynamo = TestDynamoDb.client(world.sandbox);
    elsewhere =
        new DynamoDbStore(
            dynamo, ControllerWorld.SHARED, world.sandbox.clock(), Duration.ofDays(30));
  }

  @AfterEach
  void stop() {
    world.close();
    dynamo.close();
  }

  @Test
  void theLeaderActsOnSessionsOpenedAndEndedThroughAnotherReplica() {
    world.start();
    Leadership leadership = world.context.getBean(Leadership.class);
    assertThat(leadership.role()).isEqualTo(Leadership.Role.LEADER);
    assertThat(elsewhere.read("controller"))
        .hasValueSatisfying(l -> assertThat(l.holder()).isEqualTo(leadership.replica()));

    elsewhere.save(session(policy()));
    awaitAdvancing(() -> world.runningRevision("like-service").equals("like-service:2"));

    // What the leader did is in the shared store, for every replica's API to show.
    awaitAdvancing(
        () -> elsewhere.session("s-elsewhere").orElseThrow().appliedRevision().isPresent());
    Session current = elsewhere.session("s-elsewhere").orElseThrow();
    assertThat(
            elsewhere.saveIfActive(
                current.withState(Session.State.ENDED, world.sandbox.now(), "ended elsewhere")))
        .isTrue();
    awaitAdvancing(() -> world.runningRevision("like-service").equals("like-service:1"));
  }

  /**
   * The old leader wrote its intent and registered the revision, then died before recording it: the
   * new leader finds that revision in ECS by its tags and deploys it, registering nothing.
   */
  @Test
  void aRegistrationTheOldLeaderDidNotLiveToRecordIsAdoptedNotRepeated() {
    world.start();
    DebugPolicy policy = policy();
    Overlay overlay = Overlay.of(policy.spec().actions());
    var base = world.revision("like-service:1");
    var left =
        world.ecs.registerTaskDefinition(
            TaskDefinitionOverlay.apply(
                    base.taskDefinition(),
                    base.tags(),
                    overlay,
                    TaskDefinitionOverlay.Ownership.of("s-elsewhere"))
                .request());
    String leftArn = left.taskDefinition().taskDefinitionArn();
    elsewhere.saveRegistering(
        new PendingRegistration(
            SERVICE_ARN,
            "like-service",
            base.taskDefinition().taskDefinitionArn(),
            TaskDefinitionOverlay.hash(overlay),
            world.sandbox.now()));

    elsewhere.save(session(policy));
    awaitAdvancing(() -> world.service("like-service").taskDefinition().equals(leftArn));

    assertThat(world.sandbox.calls().count("ecs", "RegisterTaskDefinition", "ok"))
        .as("only the old leader's registration")
        .isEqualTo(1);
    assertThat(elsewhere.revision(leftArn)).isPresent();
    assertThat(elsewhere.registering(SERVICE_ARN)).isEmpty();
  }

  /** The old leader wrote its intent and died before registering: the new leader registers once. */
  @Test
  void anIntentThatNeverReachedEcsIsRegisteredOnce() {
    world.start();
    DebugPolicy policy = policy();
    elsewhere.saveRegistering(
        new PendingRegistration(
            SERVICE_ARN,
            "like-service",
            world.revision("like-service:1").taskDefinition().taskDefinitionArn(),
            TaskDefinitionOverlay.hash(Overlay.of(policy.spec().actions())),
            world.sandbox.now()));

    elsewhere.save(session(policy));
    awaitAdvancing(() -> world.runningRevision("like-service").equals("like-service:2"));

    assertThat(world.sandbox.calls().count("ecs", "RegisterTaskDefinition", "ok")).isEqualTo(1);
    assertThat(elsewhere.registering(SERVICE_ARN)).isEmpty();
  }

  private DebugPolicy policy() {
    return world.context.getBean(PolicySource.class).policies().stream()
        .filter(p -> p.name().equals("like-crashloop"))
        .findFirst()
        .orElseThrow();
  }

  private Session session(DebugPolicy policy) {
    return TestSessions.active(
        "s-elsewhere",
        policy.name(),
        policy.spec().actions(),
        SERVICE_ARN,
        Session.Origin.MANUAL,
        world.sandbox.now(),
        Duration.ofMinutes(30));
  }

  /** Waits, moving the virtual clock a second at a time: the store watch looks every 2 s. */
  private void awaitAdvancing(java.util.function.BooleanSupplier condition) {
    world.awaitUntil(
        () -> {
          if (condition.getAsBoolean()) {
            return true;
          }
          world.sandbox.advance(Duration.ofSeconds(1));
          return false;
        });
  }
}
