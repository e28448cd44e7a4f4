package dev.sherlock.policy;

import java.time.Duration;

/**
 * How long a session lasts, how long the policy stays quiet after one, and how many of its sessions
 * may be open at once (across all the services it selects).
 */
public record SessionSettings(Duration duration, Duration cooldown, Integer maxConcurrent) {
  public static final Duration DEFAULT_DURATION = Duration.ofMinutes(30);
  public static final Duration DEFAULT_COOLDOWN = Duration.ofHours(1);
  public static final SessionSettings DEFAULT = new SessionSettings(null, null, null);

  public SessionSettings {
    duration = duration == null ? DEFAULT_DURATION : duration;
    cooldown = cooldown == null ? DEFAULT_COOLDOWN : cooldown;
    maxConcurrent = maxConcurrent == null ? 1 : maxConcurrent;
  }
}
