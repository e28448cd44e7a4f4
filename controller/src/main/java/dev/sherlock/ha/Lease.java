package dev.sherlock.ha;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * One lease, by the protocol of AWS's DynamoDB lock client and of Kubernetes' leader election: the
 * holder writes a new version every heartbeat, with a condition on the version it wrote last; a
 * contender that sees the same version for a whole lease duration, timed on its own monotonic
 * clock, takes the lease over with a condition on that version. No replica compares its clock with
 * another's: each only measures how long it has itself waited.
 *
 * <p>The holder counts its lease from the moment it sent the heartbeat that renewed it, so it
 * always believes its lease ends before any contender can believe so, and {@link #mayAct} leaves a
 * margin on top for the call about to be made. A holder that cannot renew (paused, partitioned)
 * stops acting when its own count runs out, a full heartbeat and margin before a successor starts.
 *
 * <p>Not thread-safe by itself: {@link #tick} runs on one thread; {@link #mayAct} may be called
 * from any.
 */
public final class Lease {
  /** What one tick did. */
  public enum Change {
    NONE,
    ACQUIRED,
    LOST
  }

  private final LeaseTable table;
  private final String name;
  private final String me;
  private final Duration duration;
  private final Duration margin;
  private final LongSupplier nanoTime;

  private volatile boolean held;
  private volatile long validUntil;
  private volatile String version;
  private Optional<LeaseTable.Record> lastSeen = Optional.empty();
  private String observedVersion;
  private long observedSince;

  /**
   * @param me this replica's name, unique among the replicas
   * @param margin how long before its end a held lease stops allowing actions
   * @param nanoTime a monotonic clock ({@code System::nanoTime})
   */
  public Lease(
      LeaseTable table,
      String name,
      String me,
      Duration duration,
      Duration margin,
      LongSupplier nanoTime) {
    if (margin.compareTo(duration) >= 0) {
      throw new IllegalArgumentException("the margin must be shorter than the lease");
    }
    this.table = table;
    this.name = name;
    this.me = me;
    this.duration = duration;
    this.margin = margin;
    this.nanoTime = nanoTime;
  }

  /** One heartbeat: renews a held lease, or looks at (and maybe takes) another's. */
  public Change tick() {
    return tick(true);
  }

  /**
   * One heartbeat: renews a held lease, or looks at another's - and takes it, if {@code mayTake}
   * and it is free or its holder is gone. Looking without taking keeps the count of how long its
   * version has stood, so a replica that may take it later need not start counting then.
   */
  public Change tick(boolean mayTake) {
    long started = nanoTime.getAsLong();
    return held ? renew(started) : contend(started, mayTake);
  }

  private Change renew(long started) {
    String next = UUID.randomUUID().toString();
    try {
      if (table.replace(name, version, new LeaseTable.Record(me, next, duration)) || wrote(next)) {
        version = next;
        validUntil = started + duration.toNanos();
        return Change.NONE;
      }
      held = false; // taken over: only possible once ours ran out
      return Change.LOST;
    } catch (RuntimeException e) {
      // Not renewed this time; ours runs out on its own if no later heartbeat gets through.
      if (nanoTime.getAsLong() - validUntil >= 0) {
        held = false;
        return Change.LOST;
      }
      return Change.NONE;
    }
  }

  private Change contend(long started, boolean mayTake) {
    Optional<LeaseTable.Record> current = table.read(name);
    // Timed from the answer, not the question: the version seen may have been written while the
    // read was on its way, and the wait must not start before it was.
    long seenAt = nanoTime.getAsLong();
    lastSeen = current;
    String next = UUID.randomUUID().toString();
    LeaseTable.Record mine = new LeaseTable.Record(me, next, duration);
    if (current.isEmpty()) {
      return mayTake && (table.create(name, mine) || wrote(next))
          ? acquired(started, next)
          : Change.NONE;
    }
    LeaseTable.Record record = current.get();
    if (!record.version().equals(observedVersion)) {
      observedVersion = record.version();
      observedSince = seenAt;
      return Change.NONE;
    }
    if (seenAt - observedSince < record.duration().toNanos() || !mayTake) {
      return Change.NONE;
    }
    // The same version for a whole lease duration: its holder is gone, or cannot reach the table.
    if (table.replace(name, record.version(), mine) || wrote(next)) {
      return acquired(started, next);
    }
    observedVersion = null;
    return Change.NONE;
  }

  /**
   * Whether the lease holds the version this replica just tried to write: a write whose answer was
   * lost, and whose retry then failed its own condition, still took effect.
   */
  private boolean wrote(String next) {
    return table.read(name).map(r -> r.version().equals(next)).orElse(false);
  }

  private Change acquired(long started, String next) {
    version = next;
    validUntil = started + duration.toNanos();
    held = true;
    observedVersion = null;
    lastSeen = Optional.of(new LeaseTable.Record(me, next, duration));
    return Change.ACQUIRED;
  }

  /**
   * Whether this replica may make a change now: it holds the lease, with at least the margin left
   * by its own count.
   */
  public boolean mayAct() {
    return held && validUntil - nanoTime.getAsLong() >= margin.toNanos();
  }

  public boolean held() {
    return held;
  }

  /** Who held the lease when this replica last looked (itself, while it holds it). */
  public Optional<String> holder() {
    return held ? Optional.of(me) : lastSeen.map(LeaseTable.Record::holder);
  }

  public String name() {
    return name;
  }

  /**
   * Stops acting and renewing at once, and leaves the lease to run out rather than deleting it: a
   * successor takes it only once a whole lease has passed, so a call of this replica's still on the
   * wire cannot meet the successor's first.
   */
  public void relinquish() {
    held = false;
  }

  /** Gives the lease up at once (a clean shutdown): a successor need not wait it out. */
  public void release() {
    if (held) {
      held = false;
      try {
        table.release(name, version);
      } catch (RuntimeException e) {
        // it runs out by itself
      }
    }
  }
}
