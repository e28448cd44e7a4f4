package dev.sherlock.ha;

import dev.sherlock.aws.Fence;
import java.util.List;
import java.util.Optional;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * Whether this replica is the one acting. With the embedded store there is one replica and it
 * always acts ({@link SoleReplica}); with the shared store the replicas elect one through a lease
 * ({@link LeaseLeadership}), and the others stand by: they serve the API, and their policies are
 * loaded, so a failover costs one lease period and a start-up.
 */
public interface Leadership extends Fence {
  /** How this replica takes part. */
  enum Role {
    /** The only replica (SQLite store): acts, elects nobody. */
    SOLE,
    /** Holds the lease: reconciles, polls metrics, takes snapshots, receives events. */
    LEADER,
    /** Waits for the lease; serves the API from the shared store meanwhile. */
    STANDBY
  }

  Role role();

  /** This replica's name among the replicas. */
  String replica();

  /** The replica holding the lease when this one last looked. */
  Optional<String> holder();

  /** How many shards the fleet is split into ({@code sherlock.shards}); 1 is leader election. */
  default int shards() {
    return 1;
  }

  /** The shards this replica acts for now. */
  default List<Integer> shardsHeld() {
    return role() == Role.STANDBY ? List.of() : List.of(0);
  }

  /** Whether this replica acts for a service now: reconciles it, polls its metrics. */
  default boolean actsFor(String serviceArn) {
    return role() != Role.STANDBY;
  }

  /**
   * Whether this replica receives the queue's events and evaluates the triggers they fire, for
   * every service: the holder of shard 0. The sessions they open are in the shared store, for the
   * holder of each service's shard to act on.
   */
  default boolean receivesEvents() {
    return role() != Role.STANDBY;
  }

  /**
   * Does work for one service: the changes it makes pass the fence only while this replica holds
   * the service's shard.
   */
  default <T> T actingFor(String serviceArn, Supplier<T> work) {
    return work.get();
  }

  /**
   * Starts taking part: {@code acquired} runs (on the leadership's thread) with each shard this
   * replica comes to act for - shard 0 alone without shards - and {@code lost} if it loses one
   * after that.
   */
  void start(IntConsumer acquired, Runnable lost);

  /** Stops taking part, giving a held lease up so a successor need not wait it out. */
  void stop();
}
