package dev.sherlock.session;

import java.time.Instant;
import java.util.List;

/**
 * Sessions a person opened on many services at once ({@code debug open --services 'like-*'}), with
 * the budget they set for that request: at most {@code maxSessions} sessions and {@code
 * changesPerHour} changes to AWS among them. The global limits stay for automatic triggers; this
 * budget replaces them for the fleet's sessions alone.
 */
public record Fleet(
    String id,
    String policy,
    String cluster,
    String services,
    int maxSessions,
    int changesPerHour,
    Instant openedAt,
    List<String> sessionIds) {

  public Fleet {
    sessionIds = List.copyOf(sessionIds);
  }

  public Fleet withSessions(List<String> ids) {
    return new Fleet(id, policy, cluster, services, maxSessions, changesPerHour, openedAt, ids);
  }
}
