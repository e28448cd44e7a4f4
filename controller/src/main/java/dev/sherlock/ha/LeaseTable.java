package dev.sherlock.ha;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Where leases are kept: conditional writes on one record per lease, the only primitives the lease
 * protocol needs. The DynamoDB store implements it on its state table.
 */
public interface LeaseTable {
  /**
   * A lease as stored: who holds it, the version its holder last wrote (a fresh one with every
   * heartbeat), and how long it lasts without one.
   */
  record Record(String holder, String version, Duration duration) {}

  Optional<Record> read(String lease);

  /**
   * Every lease whose name starts with {@code prefix}, by name: how the replicas of a sharded fleet
   * find one another. It may lag a write by a moment.
   */
  Map<String, Record> list(String prefix);

  /** Creates the lease for {@code holder} if there is none; whether it did. */
  boolean create(String lease, Record record);

  /** Replaces the lease if it is still at {@code expectedVersion}; whether it did. */
  boolean replace(String lease, String expectedVersion, Record record);

  /** Deletes the lease if it is still at {@code expectedVersion}. */
  void release(String lease, String expectedVersion);
}
