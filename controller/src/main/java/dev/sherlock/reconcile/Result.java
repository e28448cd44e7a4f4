package dev.sherlock.reconcile;

import java.time.Duration;
import java.util.Optional;

/**
 * What a reconcile asks of the work queue: nothing more ({@link #done()}), or to look again after a
 * while ({@link #after}) - when a session expires, or while a deployment is still rolling. An
 * exception instead means "failed, retry with backoff".
 */
public record Result(Optional<Duration> requeueAfter) {
  private static final Result DONE = new Result(Optional.empty());

  public static Result done() {
    return DONE;
  }

  public static Result after(Duration delay) {
    return new Result(Optional.of(delay.isNegative() ? Duration.ZERO : delay));
  }

  /** The sooner of two results' requeues. */
  public Result soonest(Result other) {
    if (requeueAfter.isEmpty()) {
      return other;
    }
    if (other.requeueAfter.isEmpty()) {
      return this;
    }
    return requeueAfter.get().compareTo(other.requeueAfter.get()) <= 0 ? this : other;
  }
}
