package dev.sherlock.ha;

import dev.sherlock.UserError;
import dev.sherlock.metrics.SherlockMetrics;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election among replicas sharing a DynamoDB store: one {@link Lease} named {@code
 * controller}, looked at every heartbeat on a thread of its own.
 */
public final class LeaseLeadership implements Leadership {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseLeadership.class);
  static final String LEASE = "controller";

  private final Lease lease;
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
      SherlockMetrics metrics) {
    if (heartbeat.multipliedBy(2).compareTo(duration) > 0) {
      throw new UserError(
          "sherlock.lease.heartbeat (%s) must be at most half of sherlock.lease.duration (%s)"
              .formatted(heartbeat, duration));
    }
    // A change may start while at least one heartbeat is left: the next one renews the lease.
    this.lease = new Lease(table, LEASE, replica, duration, heartbeat, System::nanoTime);
    this.replica = replica;
    this.duration = duration;
    this.heartbeat = heartbeat;
    this.metrics = metrics;
    metrics.gauge(
        "sherlock.lease.held", "1 while this replica holds the lease", () -> lease.held() ? 1 : 0);
    metrics.leaseChanges("acquired");
    metrics.leaseChanges("lost");
  }

  @Override
  public Role role() {
    return lease.held() ? Role.LEADER : Role.STANDBY;
  }

  @Override
  public String replica() {
    return replica;
  }

  @Override
  public Optional<String> holder() {
    return lease.holder();
  }

  @Override
  public boolean mayAct() {
    return lease.mayAct();
  }

  @Override
  public synchronized void start(Runnable acquired, Runnable lost) {
    running = true;
    LOG.info(
        "replica {} standing by for the lease (lasts {} without a heartbeat; heartbeat every {})",
        replica,
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
                      switch (lease.tick()) {
                        case ACQUIRED -> {
                          metrics.leaseChanges("acquired").increment();
                          LOG.info("replica {} holds the lease: acting", replica);
                          acquired.run();
                        }
                        case LOST -> {
                          metrics.leaseChanges("lost").increment();
                          LOG.warn("replica {} lost the lease", replica);
                          lost.run();
                        }
                        case NONE -> {}
                      }
                    } catch (RuntimeException e) {
                      LOG.warn("the lease could not be read: {}", UserError.oneLine(e));
                    }
                    try {
                      Thread.sleep(heartbeat); // the heartbeat's period, not a wait for a state
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
  }

  @Override
  public synchronized void stop() {
    running = false;
    if (thread != null) {
      thread.interrupt();
      try {
        // A look in progress could take the lease after this; wait it out, then give it up.
        thread.join(heartbeat.multipliedBy(4));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    lease.release();
  }
}
