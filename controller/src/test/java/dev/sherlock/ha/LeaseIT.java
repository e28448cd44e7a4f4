package dev.sherlock.ha;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sherlock.sandbox.Sandbox;
import dev.sherlock.store.DynamoDbStore;
import dev.sherlock.store.DynamoDbTables;
import dev.sherlock.store.TestDynamoDb;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The lease protocol on the sandbox's DynamoDB, each replica with a monotonic clock of its own that
 * the test moves: at no moment may two replicas act, and a holder that stops renewing is succeeded
 * once a whole lease has passed without its heartbeat.
 */
class LeaseIT {
  private static final Duration LEASE = Duration.ofSeconds(20);
  private static final Duration HEARTBEAT = Duration.ofSeconds(5);
  private static final AtomicInteger TABLES = new AtomicInteger();
  private static Sandbox sandbox;
  private static DynamoDbClient dynamo;
  private DynamoDbStore store;
  private final AtomicLong aClock = new AtomicLong();
  private final AtomicLong bClock = new AtomicLong(1_000_000_000_000L); // clocks need not agree
  private Lease a;
  private Lease b;

  @BeforeAll
  static void start() {
    sandbox = Sandbox.builder().virtualClock(Instant.parse("2026-11-25T12:00:00Z")).start();
    dynamo = TestDynamoDb.client(sandbox);
  }

  @AfterAll
  static void stop() {
    dynamo.close();
    sandbox.close();
  }

  @BeforeEach
  void tables() {
    DynamoDbTables tables = new DynamoDbTables("lease" + TABLES.incrementAndGet());
    tables.create(dynamo);
    store = new DynamoDbStore(dynamo, tables, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), LEASE);
    a = new Lease(store, "controller", "replica-a", LEASE, HEARTBEAT, aClock::get);
    b = new Lease(store, "controller", "replica-b", LEASE, HEARTBEAT, bClock::get);
  }

  /** Both replicas' clocks move on by {@code by}. */
  private void pass(Duration by) {
    aClock.addAndGet(by.toNanos());
    bClock.addAndGet(by.toNanos());
  }

  @Test
  void theFirstTakesAnEmptyLeaseAndKeepsItWhileItsHeartbeatGoesOn() {
    assertThat(a.tick()).isEqualTo(Lease.Change.ACQUIRED);
    for (int beat = 0; beat < 40; beat++) { // ten lease durations
      assertThat(b.tick()).isEqualTo(Lease.Change.NONE);
      assertThat(a.tick()).isEqualTo(Lease.Change.NONE);
      pass(HEARTBEAT);
    }
    assertThat(a.mayAct()).isTrue();
    assertThat(b.mayAct()).isFalse();
    assertThat(b.holder()).contains("replica-a");
  }

  @Test
  void aPausedHolderStopsActingBeforeItsSuccessorStartsAndLearnsItLostOnWaking() {
    a.tick();
    Duration pausedFor = Duration.ZERO;
    Duration step = Duration.ofSeconds(1);
    while (!b.held()) {
      // a is paused: no heartbeat. b looks every heartbeat.
      if (pausedFor.toSeconds() % HEARTBEAT.toSeconds() == 0) {
        b.tick();
      }
      assertThat(a.mayAct() && b.mayAct()).as("both act after %s", pausedFor).isFalse();
      pass(step);
      pausedFor = pausedFor.plus(step);
    }
    assertThat(pausedFor).isBetween(LEASE, LEASE.plus(HEARTBEAT.multipliedBy(2)));
    assertThat(a.mayAct()).isFalse();
    assertThat(b.mayAct()).isTrue();

    assertThat(a.tick()).isEqualTo(Lease.Change.LOST);
    assertThat(a.mayAct()).isFalse();
    assertThat(a.tick()).isEqualTo(Lease.Change.NONE);
    assertThat(a.holder()).contains("replica-b");
  }

  @Test
  void aHolderActsOnlyWhileMoreThanAHeartbeatOfItsLeaseIsLeft() {
    a.tick();
    pass(LEASE.minus(HEARTBEAT).minusMillis(1));
    assertThat(a.mayAct()).isTrue();
    pass(Duration.ofMillis(2));
    assertThat(a.mayAct()).isFalse();
    assertThat(a.tick()).isEqualTo(Lease.Change.NONE); // renewed, still its own
    assertThat(a.mayAct()).isTrue();
  }

  @Test
  void aReleasedLeaseIsTakenAtTheNextLookWithoutWaiting() {
    a.tick();
    b.tick();
    a.release();
    assertThat(a.mayAct()).isFalse();
    assertThat(b.tick()).isEqualTo(Lease.Change.ACQUIRED);
    assertThat(a.tick()).isEqualTo(Lease.Change.NONE);
    assertThat(a.holder()).contains("replica-b");
  }
}
