package dev.sherlock.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The wall clock, faster: {@code speed} simulated seconds pass per real second, from the moment it
 * is made. The demo runs the sandbox and the controller on one such clock, so a 30-minute session
 * and a 5-minute metric window take a minute and ten seconds.
 */
public final class ScaledClock extends Clock {
  private final Instant start;
  private final long startNanos;
  private final double speed;

  public ScaledClock(Instant start, double speed) {
    if (speed <= 0) {
      throw new IllegalArgumentException("speed must be positive");
    }
    this.start = start;
    this.startNanos = System.nanoTime();
    this.speed = speed;
  }

  /** How long {@code simulated} takes in real time. */
  public Duration real(Duration simulated) {
    return Duration.ofNanos((long) (simulated.toNanos() / speed));
  }

  @Override
  public Instant instant() {
    return start.plusNanos((long) ((System.nanoTime() - startNanos) * speed));
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
