package dev.sherlock.aws;

import dev.sherlock.config.SherlockConfig;
import java.time.Duration;
import java.util.Optional;

/**
 * A token bucket that learns what AWS actually grants. It starts at the published budget - the
 * bucket AWS itself keeps, so alone in an account Sherlock spends all of it. A throttled attempt
 * says AWS's bucket is empty: this one empties too, which is all it takes when the two merely
 * refilled out of step. Throttled again soon after - someone else spends the same budget, a
 * pipeline deploying - it also cuts its rate by a fifth; every call that goes through wins back a
 * fiftieth of the published rate. Additive increase, multiplicative decrease: it settles just under
 * what is left over.
 *
 * <p>Callers reserve a slot and wait for it in turn (fair, no thundering herd); one whose slot is
 * further away than the longest wait is refused instead of queued behind work that may be stale.
 */
final class AdaptiveBudget {
  private static final double CUT = 0.8;

  /** A second throttle within this many of its slots means the budget is shared: slow down. */
  private static final double SOON = 5;

  private static final double FLOOR = 0.05;
  private static final double REGAIN = 0.02;

  /**
   * A hair under the published refill: calls reach AWS some milliseconds after they leave,
   * unevenly, and at exactly its rate one now and then arrives before its token.
   */
  private static final double MARGIN = 0.98;

  private final double burst;
  private final double published;
  private final long longestWaitNanos;
  private double rate;
  private double tokens;
  private long refilledAt;
  private long throttledAt = Long.MIN_VALUE;

  AdaptiveBudget(SherlockConfig.Budget budget, Duration longestWait) {
    this.burst = budget.burst();
    this.published = budget.perSecond() * MARGIN;
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

  /**
   * AWS throttled a call of this budget: spend nothing of what seemed left, and slow down if so.
   */
  synchronized void throttled() {
    refill();
    long now = System.nanoTime();
    if (throttledAt != Long.MIN_VALUE && now - throttledAt < SOON / rate * 1e9) {
      rate = Math.max(published * FLOOR, rate * CUT);
    }
    throttledAt = now;
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
