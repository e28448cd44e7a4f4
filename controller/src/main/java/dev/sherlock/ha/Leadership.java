package dev.sherlock.ha;

import dev.sherlock.aws.Fence;
import java.util.Optional;

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

  /**
   * Starts taking part: {@code acquired} runs (on the leadership's thread) once this replica may
   * act, {@code lost} if it loses the lease after that.
   */
  void start(Runnable acquired, Runnable lost);

  /** Stops taking part, giving a held lease up so a successor need not wait it out. */
  void stop();
}
