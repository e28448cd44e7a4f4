package dev.sherlock.reconcile;

import dev.sherlock.aws.EcsGateway;
import dev.sherlock.finding.FindingKind;
import dev.sherlock.finding.Findings;
import dev.sherlock.policy.Action;
import dev.sherlock.session.InsightsChange;
import dev.sherlock.session.Sessions;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Container Insights on a cluster, for as long as a session on any of its services asks for it:
 * reference-counted across the cluster's services by asking the sessions themselves (the open
 * enforced sessions are the references), with the setting before the first session kept in the
 * store, so a restarted controller still puts it back. Drift-safe like the task-definition overlay:
 * when the setting is not what Sherlock set, a person changed it, and their setting stays.
 */
@Singleton
public final class ClusterInsights {
  private final EcsGateway ecs;
  private final Sessions sessions;
  private final Findings findings;

  public ClusterInsights(EcsGateway ecs, Sessions sessions, Findings findings) {
    this.ecs = ecs;
    this.sessions = sessions;
    this.findings = findings;
  }

  /**
   * Brings the cluster's setting to the most its sessions ask for, or back to what it was once none
   * asks. A cluster no session asks for and Sherlock never changed costs no call.
   */
  public void reconcile(String cluster) {
    Optional<String> needed = needed(cluster);
    Optional<InsightsChange> recorded = sessions.insights(cluster);
    if (needed.isEmpty() && recorded.isEmpty()) {
      return;
    }
    String now = ecs.containerInsights(cluster);
    if (needed.isPresent()) {
      raise(cluster, needed.get(), now, recorded);
    } else {
      putBack(cluster, now, recorded.get());
    }
  }

  private void raise(String cluster, String level, String now, Optional<InsightsChange> recorded) {
    InsightsChange change =
        recorded.orElseGet(() -> new InsightsChange(cluster, now, Optional.empty(), false));
    if (change.handedOver()) {
      return;
    }
    if (change.applied().isPresent() && !change.applied().get().equals(now)) {
      sessions.saveInsights(change.handOver());
      findings.record(
          FindingKind.Drift,
          Findings.Subject.of(cluster, null, null, null),
          "Container Insights on cluster %s was set to %s by someone else while sessions needed it;"
                  .formatted(cluster, now)
              + " it stays as they set it",
          Findings.evidence().put("sherlockSet", change.applied().get()).put("found", now));
      return;
    }
    if (Action.EnableContainerInsights.rank(now) >= Action.EnableContainerInsights.rank(level)) {
      if (recorded.isEmpty()) {
        sessions.saveInsights(change); // the cluster had enough: nothing to undo, but remembered
      }
      return;
    }
    // Recorded before the change: a crash between the two leaves a record to undo, never a change
    // without one. A call that fails puts the record back, or the next look would take the
    // unchanged setting for a person's.
    sessions.saveInsights(change.applying(level));
    try {
      ecs.setContainerInsights(cluster, level);
    } catch (RuntimeException e) {
      if (recorded.isPresent()) {
        sessions.saveInsights(recorded.get());
      } else {
        sessions.clearInsights(cluster);
      }
      throw e;
    }
    findings.record(
        FindingKind.ActionApplied,
        Findings.Subject.of(cluster, null, null, null),
        "Container Insights on cluster %s: %s (was %s)".formatted(cluster, level, now),
        Findings.evidence().put("before", now).put("after", level));
  }

  private void putBack(String cluster, String now, InsightsChange change) {
    if (!change.handedOver() && change.applied().isPresent()) {
      if (change.applied().get().equals(now)) {
        ecs.setContainerInsights(cluster, change.before());
        findings.record(
            FindingKind.ActionReverted,
            Findings.Subject.of(cluster, null, null, null),
            "Container Insights on cluster %s back to %s (no session needs it)"
                .formatted(cluster, change.before()),
            Findings.evidence().put("before", now).put("after", change.before()));
      } else {
        findings.record(
            FindingKind.Drift,
            Findings.Subject.of(cluster, null, null, null),
            "Container Insights on cluster %s is %s, not the %s Sherlock set: left as it is"
                .formatted(cluster, now, change.applied().get()),
            Findings.evidence().put("sherlockSet", change.applied().get()).put("found", now));
      }
    }
    sessions.clearInsights(cluster);
  }

  /** The most any open enforced session on the cluster asks for. */
  private Optional<String> needed(String cluster) {
    return sessions.active().stream()
        .filter(s -> !s.dryRun())
        .filter(s -> ServiceArns.cluster(s.serviceArn()).equals(cluster))
        .flatMap(s -> s.insightsLevel().stream())
        .max(java.util.Comparator.comparingInt(Action.EnableContainerInsights::rank));
  }
}
