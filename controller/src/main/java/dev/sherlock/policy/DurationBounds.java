package dev.sherlock.policy;

import java.time.Duration;
import java.util.Optional;

/**
 * How short and how long each duration in the language may be. Without an upper bound a valid file
 * could ask for a session that outlives {@link java.time.Instant}'s range; without a lower one, for
 * a session or a metric window that means nothing. The same bound, with the same words, answers
 * {@code validate}, the policy watcher and the HTTP API.
 *
 * @param what the field as a user writes it, e.g. {@code spec.session.duration}
 * @param min the shortest allowed (inclusive); zero allows zero
 * @param max the longest allowed (inclusive)
 * @param why what the maximum protects, for the message
 */
public record DurationBounds(String what, Duration min, Duration max, String why) {
  /** A session lasts at most a week: a debug session is not a configuration. */
  public static final Duration LONGEST_SESSION = Duration.ofDays(7);

  public static DurationBounds session(String what) {
    return new DurationBounds(
        what, Duration.ofSeconds(1), LONGEST_SESSION, "the longest a session may last");
  }

  public static DurationBounds cooldown(String what) {
    return new DurationBounds(what, Duration.ZERO, Duration.ofDays(30), "the longest cooldown");
  }

  /**
   * A metric window ({@code for}, {@code period}, a baseline's {@code over}) or a crash-loop
   * window.
   */
  public static DurationBounds window(String what, Duration max, String why) {
    return new DurationBounds(what, Duration.ofSeconds(1), max, why);
  }

  /** Why {@code value} is out of bounds, in the words every surface uses; empty when it is fine. */
  public Optional<String> problem(Duration value) {
    if (value.compareTo(min) < 0) {
      return Optional.of(
          min.isZero() || min.equals(Duration.ofSeconds(1))
              ? "%s must be longer than 0s".formatted(what)
              : "%s %s is shorter than %s"
                  .formatted(what, Durations.format(value), Durations.format(min)));
    }
    if (value.compareTo(max) > 0) {
      return Optional.of(
          "%s %s is longer than %s, %s"
              .formatted(what, Durations.format(value), Durations.format(max), why));
    }
    return Optional.empty();
  }
}
