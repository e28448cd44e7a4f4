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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Shards' leases on the sandbox's DynamoDB, each replica on a monotonic clock the test moves: the
 * replicas alive share the shards, no shard ever has two replicas acting for it, and the shards of
 * a replica that stops are taken by the others a lease after its last heartbeat.
 */
class ShardLeasesIT {
  private static final Duration LEASE = Duration.ofSeconds(20);
  private static final Duration HEARTBEAT = Duration.ofSeconds(5);
  private static final int SHARDS = 6;
  private static final AtomicInteger TABLES = new AtomicInteger();
  private static Sandbox sandbox;
  private static DynamoDbClient dynamo;
  private final AtomicLong clock = new AtomicLong();
  private final List<ShardLeases> replicas = new ArrayList<>();

  @BeforeAll
  static void start() {
    sandbox = Sandbox.builder().virtualClock(Instant.parse("2026-12-02T12:00:00Z")).start();
    dynamo = TestDynamoDb.client(sandbox);
  }

  @AfterAll
  static void stop() {
    dynamo.close();
    sandbox.close();
  }

  @BeforeEach
  void tables() {
    DynamoDbTables tables = new DynamoDbTables("shards" + TABLES.incrementAndGet());
    tables.create(dynamo);
    DynamoDbStore store =
        new DynamoDbStore(dynamo, tables, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), LEASE);
    for (String name : List.of("replica-a", "replica-b", "replica-c")) {
      replicas.add(new ShardLeases(store, name, SHARDS, LEASE, HEARTBEAT, clock::get));
    }
  }

  @Test
  void threeReplicasHoldTwoShardsEachAndNeverOneTwice() {
    beats(replicas, 16);

    Set<Integer> all = new HashSet<>();
    for (ShardLeases replica : replicas) {
      assertThat(replica.heldShards()).as("a replica's share").hasSize(2);
      all.addAll(replica.heldShards());
    }
    assertThat(all).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
  }

  @Test
  void theShardsOfAReplicaThatStopsAreTakenALeaseAfterItsLastHeartbeat() {
    beats(replicas, 16);
    ShardLeases stopped = replicas.get(2);
    List<Integer> orphaned = stopped.heldShards();
    List<ShardLeases> alive = replicas.subList(0, 2);

    // A lease, a heartbeat to notice, and one for the takeover.
    int beats = (int) (LEASE.dividedBy(HEARTBEAT) + 2);
    beats(alive, beats);

    Set<Integer> all = new HashSet<>();
    for (ShardLeases replica : alive) {
      assertThat(replica.heldShards()).hasSize(3);
      all.addAll(replica.heldShards());
    }
    assertThat(all).containsAll(orphaned).hasSize(SHARDS);
    assertThat(orphaned).allSatisfy(shard -> assertThat(stopped.mayAct(shard)).isFalse());
  }

  @Test
  void theServicesOfAFleetFallIntoEveryShardAlwaysTheSameWay() {
    int[] counts = new int[SHARDS];
    for (int i = 1; i <= 600; i++) {
      String arn = "arn:aws:ecs:us-east-1:123456789012:service/fleet/svc-%05d".formatted(i);
      int shard = ShardLeases.of(arn, SHARDS);
      assertThat(ShardLeases.of(arn, SHARDS)).isEqualTo(shard);
      counts[shard]++;
    }
    for (int count : counts) {
      assertThat(count).as("services per shard, of 600 in 6").isBetween(70, 130);
    }
  }

  /**
   * Heartbeats of these replicas, the clock moving on a heartbeat after each round; after every
   * round no shard may have two replicas allowed to act for it.
   */
  private void beats(List<ShardLeases> ticking, int rounds) {
    for (int round = 0; round < rounds; round++) {
      ticking.forEach(ShardLeases::tick);
      for (int shard = 0; shard < SHARDS; shard++) {
        int acting = 0;
        for (ShardLeases replica : replicas) {
          acting += replica.mayAct(shard) ? 1 : 0;
        }
        assertThat(acting).as("replicas acting for shard %d", shard).isLessThanOrEqualTo(1);
      }
      clock.addAndGet(HEARTBEAT.toNanos());
    }
  }
}
