package dev.sherlock.aws;

import dev.sherlock.config.SherlockConfig;
import java.time.Duration;
import java.util.Optional;

/**
 * A token bucket that learns what AWS actually grants. It starts at the published budget - the
 * bucket AWS itself keeps, so alone in an account Sherlock spends all of it and is never throttled
 * - and when AWS throttles anyway (a pipeline spends the same budget), it cuts its rate by a third
 * and empties itself; every call that goes through wins back a fiftieth of the published rate. The
 * classic additive-increase, multiplicative-decrease: it settles just under what is left over.
 *
 * <p>Callers reserve a slot and wait for it in turn (fair, no thundering herd); one whose slot is
 * further away than the longest wait is refused instead of queued behind work that may be stale.
 */
final class AdaptiveBudget {
  private static final double CUT = 0.7;
  private static final double FLOOR = 0.05;
  private static final double REGAIN = 0.02;

  private final double burst;
  private final double published;
  private final long longestWaitNanos;
  private double rate;
  private double tokens;
  private long refilledAt;

  AdaptiveBudget(SherlockConfig.Budget budget, Duration longestWait) {
    this.burst = budget.burst();
    this.published = budget.perSecond();
    this.longestWaitNanos = longestWait.toNanos();
    this.rate = published;
    this.tokens = burst;
    this.refilledAt = System.nanoTime();
  }

  /**
   * Takes a slot: how long to wait for it (zero when a token is there), or empty when that would be
   * longer than the longest wait - nothing is taken then.
   */
  synchronized Optional<Duration> reserve() {
    refill();
    double after = tokens - 1;
    long waitNanos = after >= 0 ? 0 : (long) (-after / rate * 1e9);
    if (waitNanos > longestWaitNanos) {
      return Optional.empty();
    }
    tokens = after;
    return Optional.of(Duration.ofNanos(waitNanos));
  }

  /** AWS throttled a call of this budget: slow down, and spend nothing of what seemed left. */
  synchronized void throttled() {
    refill();
    rate = Math.max(published * FLOOR, rate * CUT);
    tokens = Math.min(tokens, 0);
  }

  /** A call went through: creep back towards the published rate. */
  synchronized void succeeded() {
    rate = Math.min(published, rate + published * REGAIN);
  }

  synchronized double rate() {
    return rate;
  }

  private void refill() {
    long now = System.nanoTime();
    tokens = Math.min(burst, tokens + (now - refilledAt) / 1e9 * rate);
    refilledAt = now;
  }
}
