package dev.sherlock.health;

import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the controller depends on (SQS, ECS, CloudWatch), as each loop last found it. A loop that
 * retries an outage every second reports every attempt here, but the log gets one line when a
 * dependency goes down (with the cause) and one when it comes back - never a line per retry - and
 * readiness answers DOWN while any is down.
 */
@Singleton
public final class Dependencies {
  private static final Logger LOG = LoggerFactory.getLogger(Dependencies.class);

  /** A dependency's state since {@code since}; {@code cause} is set while it is down. */
  public record Status(boolean up, Optional<String> cause, Instant since) {}

  private final Map<String, Status> states = new ConcurrentHashMap<>();
  private final Clock clock;

  public Dependencies(Clock clock) {
    this.clock = clock;
  }

  /**
   * {@code name} answered. Synchronized, as is {@link #down}: the SQS receivers report at once, and
   * a check-then-put race would log one outage once per receiver.
   */
  public synchronized void up(String name) {
    Status before = states.get(name);
    if (before != null && before.up()) {
      return;
    }
    states.put(name, new Status(true, Optional.empty(), clock.instant()));
    if (before != null) {
      LOG.info("{} is reachable again (down since {})", name, before.since());
    }
  }

  /** {@code name} failed; {@code cause} is one line a person can act on. */
  public synchronized void down(String name, String cause) {
    Status before = states.get(name);
    if (before != null && !before.up() && before.cause().equals(Optional.of(cause))) {
      return;
    }
    states.put(name, new Status(false, Optional.of(cause), clock.instant()));
    LOG.warn("{} is unavailable: {} (retrying; readiness is DOWN until it answers)", name, cause);
  }

  /** Every dependency reported so far, by name. */
  public Map<String, Status> all() {
    return new TreeMap<>(states);
  }

  public boolean allUp() {
    return states.values().stream().allMatch(Status::up);
  }
}
