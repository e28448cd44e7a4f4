package dev.sherlock.policy;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as policies write them: {@code 90s}, {@code 30m}, {@code 2h}, {@code 1h30m}. */
public final class Durations {
  private static final Pattern FORMAT =
      Pattern.compile("(?=[0-9])(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?");

  private Durations() {}

  /**
   * @throws IllegalArgumentException when the text is not such a duration
   */
  public static Duration parse(String text) {
    Matcher m = FORMAT.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "bad duration '%s': expected a duration like 90s, 30m, 2h or 1h30m".formatted(text));
    }
    try {
      return Duration.ofHours(part(m.group(1)))
          .plusMinutes(part(m.group(2)))
          .plusSeconds(part(m.group(3)));
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("duration '%s' is too long".formatted(text), e);
    }
  }

  /** The shortest policy spelling of a duration: {@code 1h30m}, {@code 90s} stays {@code 1m30s}. */
  public static String format(Duration duration) {
    if (duration.isZero()) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    long hours = duration.toHours();
    int minutes = duration.toMinutesPart();
    int seconds = duration.toSecondsPart();
    if (hours > 0) {
      out.append(hours).append('h');
    }
    if (minutes > 0) {
      out.append(minutes).append('m');
    }
    if (seconds > 0) {
      out.append(seconds).append('s');
    }
    return out.toString();
  }

  private static long part(String digits) {
    return digits == null ? 0 : Long.parseLong(digits);
  }
}
