package dev.sherlock.ha;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.zip.CRC32;

/**
 * The leases of a fleet split into shards ({@code sherlock.shards}), one heartbeat at a time. Each
 * shard is a {@link Lease}; one shard is plain leader election ({@code controller}). With more,
 * each replica also renews a lease of its own ({@code member-<replica>}) so the others can count
 * it, and holds about its share: taking free or abandoned shards while it holds fewer than {@code
 * ceil(shards / replicas alive)}, giving one back per heartbeat while it holds more. A shard given
 * back stops being acted for at once and is left to run out, so its next holder starts a lease
 * later, as after a failure. Shard 0 is never given back: its holder receives the events, and a
 * handover would only pause them.
 *
 * <p>Every shard not held is looked at every heartbeat even while this replica may not take it, so
 * when a replica dies its shards are taken a lease after its last heartbeat, not two.
 *
 * <p>Not thread-safe: {@link #tick} runs on the leadership's thread; {@link #mayAct} and {@link
 * #held} may be called from any.
 */
final class ShardLeases {
  static final String MEMBER = "member-";

  /** A member whose lease stood still this many lease durations is gone: its record is deleted. */
  private static final int FORGET_AFTER = 10;

  private final LeaseTable table;
  private final String me;
  private final Lease[] shards;
  private final Lease member;
  private final long durationNanos;
  private final LongSupplier nanoTime;
  private final Map<String, Seen> members = new HashMap<>();
  private final int offset;

  private record Seen(String version, long since) {}

  /** What one heartbeat changed: shards taken, and shards lost that this replica held. */
  record Beat(List<Integer> acquired, List<Integer> lost, List<Integer> released) {}

  ShardLeases(
      LeaseTable table,
      String me,
      int count,
      Duration duration,
      Duration margin,
      LongSupplier nanoTime) {
    this.table = table;
    this.me = me;
    this.durationNanos = duration.toNanos();
    this.nanoTime = nanoTime;
    this.shards = new Lease[count];
    for (int i = 0; i < count; i++) {
      shards[i] = new Lease(table, name(i, count), me, duration, margin, nanoTime);
    }
    this.member = count == 1 ? null : new Lease(table, MEMBER + me, me, duration, margin, nanoTime);
    // Replicas starting together begin their look at different shards.
    this.offset = Math.floorMod(me.hashCode(), count);
  }

  /** The lease of one shard: {@code controller} when there is one, as leader election names it. */
  static String name(int shard, int count) {
    return count == 1 ? LeaseLeadership.LEASE : "shard-%d-of-%d".formatted(shard, count);
  }

  /** The shard of a service: a hash of its ARN that every replica and every release agrees on. */
  static int of(String serviceArn, int count) {
    CRC32 crc = new CRC32();
    crc.update(serviceArn.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return (int) (crc.getValue() % count);
  }

  int count() {
    return shards.length;
  }

  Beat tick() {
    int share = share();
    int held = heldShards().size();
    List<Integer> acquired = new ArrayList<>();
    List<Integer> lost = new ArrayList<>();
    for (int k = 0; k < shards.length; k++) {
      int i = (offset + k) % shards.length;
      Lease shard = shards[i];
      boolean was = shard.held();
      Lease.Change change;
      try {
        change = shard.tick(was || held < share);
      } catch (RuntimeException e) {
        continue; // this shard's table call failed; a held lease runs out by itself if it keeps on
      }
      switch (change) {
        case ACQUIRED -> {
          held++;
          acquired.add(i);
        }
        case LOST -> {
          held--;
          lost.add(i);
        }
        case NONE -> {}
      }
    }
    List<Integer> released = new ArrayList<>();
    if (held > share) {
      for (int i = shards.length - 1; i > 0; i--) {
        if (shards[i].held()) {
          shards[i].relinquish();
          released.add(i);
          break;
        }
      }
    }
    return new Beat(acquired, lost, released);
  }

  /**
   * This replica's share: all shards while it counts no other replica alive, else the shards over
   * the replicas alive, rounded up. A replica is alive while its member lease moved within the last
   * lease duration, as this one has seen it on its own clock.
   */
  private int share() {
    if (member == null) {
      return 1;
    }
    try {
      member.tick(true);
      long now = nanoTime.getAsLong();
      int alive = 1;
      Map<String, LeaseTable.Record> listed = table.list(MEMBER);
      for (Map.Entry<String, LeaseTable.Record> entry : listed.entrySet()) {
        String name = entry.getKey();
        if (name.equals(MEMBER + me)) {
          continue;
        }
        Seen seen = members.get(name);
        if (seen == null || !seen.version().equals(entry.getValue().version())) {
          seen = new Seen(entry.getValue().version(), now);
          members.put(name, seen);
        }
        long still = now - seen.since();
        if (still < durationNanos) {
          alive++;
        } else if (still >= FORGET_AFTER * durationNanos) {
          table.release(name, seen.version());
          members.remove(name);
        }
      }
      members.keySet().retainAll(listed.keySet());
      return (shards.length + alive - 1) / alive;
    } catch (RuntimeException e) {
      // The members could not be counted: keep what is held, take nothing more.
      return heldShards().size();
    }
  }

  boolean held(int shard) {
    return shards[shard].held();
  }

  boolean mayAct(int shard) {
    return shards[shard].mayAct();
  }

  boolean anyHeld() {
    return !heldShards().isEmpty();
  }

  List<Integer> heldShards() {
    List<Integer> held = new ArrayList<>();
    for (int i = 0; i < shards.length; i++) {
      if (shards[i].held()) {
        held.add(i);
      }
    }
    return held;
  }

  /** Who held shard 0's lease when this replica last looked. */
  java.util.Optional<String> holder() {
    return shards[0].holder();
  }

  /** Gives every held lease up (a clean shutdown), and this replica's membership. */
  void releaseAll() {
    for (Lease shard : shards) {
      shard.release();
    }
    if (member != null) {
      member.release();
    }
  }
}
