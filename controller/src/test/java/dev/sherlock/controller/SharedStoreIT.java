package dev.sherlock.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sherlock.ha.Leadership;
import dev.sherlock.policy.DebugPolicy;
import dev.sherlock.session.Session;
import dev.sherlock.session.TestSessions;
import dev.sherlock.source.PolicySource;
import dev.sherlock.store.DynamoDbStore;
import dev.sherlock.store.DynamoDbTables;
import dev.sherlock.store.TestDynamoDb;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
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
    world =
        new ControllerWorld(
            root,
            Map.of(
                "sherlock.store.kind", "dynamodb",
                "sherlock.store.table", "shared",
                "sherlock.lease.duration", "4s",
                "sherlock.lease.heartbeat", "1s"));
    world.policy("crashloop.yaml", ControllerWorld.CRASH_LOOP_POLICY);
    dynamo = TestDynamoDb.client(world.sandbox);
    DynamoDbTables tables = new DynamoDbTables("shared");
    tables.create(dynamo);
    elsewhere = new DynamoDbStore(dynamo, tables, world.sandbox.clock(), Duration.ofDays(30));
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

    DebugPolicy policy =
        world.context.getBean(PolicySource.class).policies().stream()
            .filter(p -> p.name().equals("like-crashloop"))
            .findFirst()
            .orElseThrow();
    Instant now = world.sandbox.now();
    Session opened =
        TestSessions.active(
            "s-elsewhere",
            policy.name(),
            policy.spec().actions(),
            SERVICE_ARN,
            Session.Origin.MANUAL,
            now,
            Duration.ofMinutes(30));
    elsewhere.save(opened);
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
