package dev.sherlock.ha;

import dev.sherlock.UserError;
import dev.sherlock.metrics.SherlockMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicas sharing a DynamoDB store elect who acts through leases, looked at every heartbeat on
 * a thread of their own: one lease named {@code controller} (leader election), or one per shard
 * when the fleet is split ({@code sherlock.shards}, {@link ShardLeases}).
 *
 * <p>With shards, a change passes the fence only on a thread acting for a service ({@link
 * #actingFor}) whose shard's lease is held with time left: work for one shard can never make a
 * change once another replica may hold that shard.
 */
public final class LeaseLeadership implements Leadership {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseLeadership.class);
  static final String LEASE = "controller";

  /** The shard the current thread acts for, while it does ({@link #actingFor}). */
  private static final ThreadLocal<Integer> ACTING_FOR = new ThreadLocal<>();

  private final ShardLeases leases;
  private final String replica;
  private final Duration duration;
  private final Duration heartbeat;
  private final SherlockMetrics metrics;
  private volatile Thread thread;
  private volatile boolean running;

  public LeaseLeadership(
      LeaseTable table,
      String replica,
      Duration duration,
      Duration heartbeat,
      int shards,
      SherlockMetrics metrics) {
    if (heartbeat.multipliedBy(2).compareTo(duration) > 0) {
      throw new UserError(
          "sherlock.lease.heartbeat (%s) must be at most half of sherlock.lease.duration (%s)"
              .formatted(heartbeat, duration));
    }
    // A change may start while at least one heartbeat is left: the next one renews the lease.
    this.leases = new ShardLeases(table, replica, shards, duration, heartbeat, System::nanoTime);
    this.replica = replica;
    this.duration = duration;
    this.heartbeat = heartbeat;
    this.metrics = metrics;
    metrics.gauge(
        "sherlock.lease.held",
        "1 while this replica holds a lease (shard 0's with shards)",
        () -> leases.held(0) ? 1 : 0);
    metrics.gauge(
        "sherlock.shards.held", "Shards whose lease this replica holds", () -> shardsHeld().size());
    metrics.leaseChanges("acquired");
    metrics.leaseChanges("lost");
  }

  @Override
  public Role role() {
    return leases.anyHeld() ? Role.LEADER : Role.STANDBY;
  }

  @Override
  public String replica() {
    return replica;
  }

  @Override
  public Optional<String> holder() {
    return leases.holder();
  }

  @Override
  public int shards() {
    return leases.count();
  }

  @Override
  public List<Integer> shardsHeld() {
    return leases.heldShards();
  }

  @Override
  public boolean actsFor(String serviceArn) {
    return leases.held(ShardLeases.of(serviceArn, leases.count()));
  }

  @Override
  public boolean receivesEvents() {
    return leases.held(0);
  }

  @Override
  public <T> T actingFor(String serviceArn, Supplier<T> work) {
    Integer before = ACTING_FOR.get();
    ACTING_FOR.set(ShardLeases.of(serviceArn, leases.count()));
    try {
      return work.get();
    } finally {
      ACTING_FOR.set(before);
    }
  }

  @Override
  public boolean mayAct() {
    if (leases.count() == 1) {
      return leases.mayAct(0);
    }
    Integer shard = ACTING_FOR.get();
    return shard != null && leases.mayAct(shard);
  }

  @Override
  public synchronized void start(IntConsumer acquired, Runnable lost) {
    running = true;
    LOG.info(
        "replica {} standing by for {} (lasts {} without a heartbeat; heartbeat every {})",
        replica,
        leases.count() == 1 ? "the lease" : leases.count() + " shards' leases",
        duration,
        heartbeat);
    // A platform thread: the heartbeat must not wait for a carrier that pinned virtual threads
    // hold (monitors on JDK 21), or the lease runs out under load.
    thread =
        Thread.ofPlatform()
            .daemon()
            .name("sherlock-lease")
            .start(
                () -> {
                  while (running) {
                    try {
                      ShardLeases.Beat beat = leases.tick();
                      for (int shard : beat.acquired()) {
                        metrics.leaseChanges("acquired").increment();
                        LOG.info("replica {} holds {}: acting", replica, lease(shard));
                        acquired.accept(shard);
                      }
                      for (int shard : beat.released()) {
                        LOG.info("replica {} gave {} back: above its share", replica, lease(shard));
                      }
                      if (!beat.lost().isEmpty()) {
                        metrics.leaseChanges("lost").increment();
                        LOG.warn("replica {} lost {}", replica, lease(beat.lost().getFirst()));
                        lost.run();
                      }
                    } catch (RuntimeException e) {
                      LOG.warn("the leases could not be read: {}", UserError.oneLine(e));
                    }
                    try {
                      Thread.sleep(heartbeat); // the heartbeat's period, not a wait for a state
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
  }

  private String lease(int shard) {
    return leases.count() == 1 ? "the lease" : "shard " + shard + " of " + leases.count();
  }

  @Override
  public synchronized void stop() {
    running = false;
    if (thread != null) {
      thread.interrupt();
      try {
        // A look in progress could take a lease after this; wait it out, then give them up.
        thread.join(heartbeat.multipliedBy(4));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    leases.releaseAll();
  }
}
