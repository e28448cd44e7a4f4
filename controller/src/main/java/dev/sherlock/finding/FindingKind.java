package dev.sherlock.finding;

/** What a finding records. */
public enum FindingKind {
  /** A policy's trigger matched what a service did. */
  TriggerFired,
  /** A trigger matched but no session opened: cooldown, a concurrency limit or the budget. */
  TriggerSuppressed,
  SessionOpened,
  /** A session ended: expired, ended by hand, or its DebugSession file was removed. */
  SessionEnded,
  /** A change to a service: an overlay revision deployed, ECS Exec turned on. */
  ActionApplied,
  /** A change undone: the service back on its base revision, ECS Exec off again. */
  ActionReverted,
  /** Sherlock's own change failed (the deployment failed or ECS rolled it back). */
  SessionFailed,
  /** Someone deployed during a session; their revision became the new base. */
  Drift,
  /** What a dry-run session would change, as a diff. */
  Plan,
  /** Evidence captured from a service. */
  Snapshot,
  /** What a snapshot's evidence points to: probable causes, the lines behind each, next steps. */
  Diagnosis,
  /** A policy edit that did not validate; the last good version keeps running. */
  PolicyRejected,
  /** A commit of the policy repository applied: its id, author and the policies it changed. */
  PolicySynced,
  Error
}
