package dev.sherlock.policy;

import java.time.Duration;
import java.util.Optional;

/** The policy a session runs, the one service it runs on, for how long, and why. */
public record DebugSessionSpec(
    String policy, ServiceRef target, Optional<Duration> duration, String reason) {
  public DebugSessionSpec {
    duration = duration == null ? Optional.empty() : duration;
  }

  /** An exact cluster and service name. */
  public record ServiceRef(String cluster, String service) {}
}
