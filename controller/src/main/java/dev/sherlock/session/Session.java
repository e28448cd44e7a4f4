package dev.sherlock.session;

import dev.sherlock.policy.Action;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A debug session on one service: which policy's actions it runs (a snapshot taken when it opened,
 * so a policy edit never changes a running session), until when, and what Sherlock has done so far
 * - enough to resume after a restart and to revert.
 *
 * @param baseRevision the service's own revision the overlay sits on (updated on drift)
 * @param appliedRevision the overlay revision Sherlock last pointed the service at
 * @param execBefore the service's enableExecuteCommand before Sherlock changed it
 * @param planned whether a dry-run session has recorded its Plan finding
 * @param captured whether its snapshot (if its actions ask for one) has been taken
 * @param policyCommit the commit of the policy repository its policy came from (git sources)
 */
public record Session(
    String id,
    String policy,
    List<Action> actions,
    String cluster,
    String serviceArn,
    String serviceName,
    Origin origin,
    String reason,
    State state,
    Instant openedAt,
    Instant expiresAt,
    Optional<Instant> endedAt,
    Optional<String> endReason,
    boolean dryRun,
    Optional<String> baseRevision,
    Optional<String> appliedRevision,
    Optional<Boolean> execBefore,
    boolean planned,
    boolean captured,
    Optional<String> policyCommit) {

  /** Who opened the session. */
  public enum Origin {
    TRIGGER,
    MANUAL,
    GIT,
    /** Rebuilt from the tags of the service's revision after the store was lost. */
    RECOVERED
  }

  /** ACTIVE until it ends: ENDED (expired, ended by hand, file removed) or FAILED. */
  public enum State {
    ACTIVE,
    ENDED,
    FAILED
  }

  public Session {
    actions = List.copyOf(actions);
    // Sessions stored before commits were recorded have none.
    policyCommit = policyCommit == null ? Optional.empty() : policyCommit;
  }

  public boolean active() {
    return state == State.ACTIVE;
  }

  public Session withState(State newState, Instant at, String why) {
    return new Session(
        id,
        policy,
        actions,
        cluster,
        serviceArn,
        serviceName,
        origin,
        reason,
        newState,
        openedAt,
        expiresAt,
        Optional.of(at),
        Optional.of(why),
        dryRun,
        baseRevision,
        appliedRevision,
        execBefore,
        planned,
        captured,
        policyCommit);
  }

  public Session withExpiry(Instant newExpiry) {
    return new Session(
        id,
        policy,
        actions,
        cluster,
        serviceArn,
        serviceName,
        origin,
        reason,
        state,
        openedAt,
        newExpiry,
        endedAt,
        endReason,
        dryRun,
        baseRevision,
        appliedRevision,
        execBefore,
        planned,
        captured,
        policyCommit);
  }

  public Session withBase(String revision) {
    return new Session(
        id,
        policy,
        actions,
        cluster,
        serviceArn,
        serviceName,
        origin,
        reason,
        state,
        openedAt,
        expiresAt,
        endedAt,
        endReason,
        dryRun,
        Optional.of(revision),
        appliedRevision,
        execBefore,
        planned,
        captured,
        policyCommit);
  }

  /** Records the revision deployed, and - the first time - the service's Exec setting before. */
  public Session withApplied(String revision, boolean exec) {
    return new Session(
        id,
        policy,
        actions,
        cluster,
        serviceArn,
        serviceName,
        origin,
        reason,
        state,
        openedAt,
        expiresAt,
        endedAt,
        endReason,
        dryRun,
        baseRevision,
        Optional.of(revision),
        execBefore.or(() -> Optional.of(exec)),
        planned,
        captured,
        policyCommit);
  }

  public Session withPlanned() {
    return new Session(
        id,
        policy,
        actions,
        cluster,
        serviceArn,
        serviceName,
        origin,
        reason,
        state,
        openedAt,
        expiresAt,
        endedAt,
        endReason,
        dryRun,
        baseRevision,
        appliedRevision,
        execBefore,
        true,
        captured,
        policyCommit);
  }

  public Session withCaptured() {
    return new Session(
        id,
        policy,
        actions,
        cluster,
        serviceArn,
        serviceName,
        origin,
        reason,
        state,
        openedAt,
        expiresAt,
        endedAt,
        endReason,
        dryRun,
        baseRevision,
        appliedRevision,
        execBefore,
        planned,
        true,
        policyCommit);
  }

  /** Whether its actions ask for a snapshot (of its evidence, or of its tasks' status pages). */
  public boolean wantsSnapshot() {
    return actions.stream()
        .anyMatch(
            a -> a instanceof Action.CaptureSnapshot || a instanceof Action.CaptureStatusPage);
  }

  /** The most Container Insights its actions ask for on its cluster, if any. */
  public Optional<String> insightsLevel() {
    return Action.EnableContainerInsights.mostAskedBy(actions);
  }

  /** How long after its changes are live its snapshot waits: the longest {@code after} asked. */
  public Duration snapshotDelay() {
    return Action.CaptureSnapshot.delayOf(actions);
  }
}
