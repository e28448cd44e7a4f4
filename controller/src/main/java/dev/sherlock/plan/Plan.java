package dev.sherlock.plan;

import dev.sherlock.overlay.TaskDefinitionDiff.Change;
import dev.sherlock.policy.DebugPolicy;
import dev.sherlock.policy.Mode;
import java.time.Duration;
import java.util.List;

/** What debug sessions would change on each service: the output of {@code sherlock plan}. */
public record Plan(List<ServicePlan> services) {

  /** One service, as it runs now, and the sessions that could open on it. */
  public record ServicePlan(
      String cluster,
      String service,
      String taskDefinition,
      int desiredCount,
      List<SessionPlan> sessions,
      List<String> problems) {}

  /**
   * What one session would do: run by a policy's trigger, or declared by a DebugSession document
   * ({@code declaredBy} names it then).
   */
  public record SessionPlan(
      DebugPolicy policy,
      java.util.Optional<String> declaredBy,
      Mode mode,
      Duration duration,
      java.util.Optional<String> newRevisionOf,
      List<Change> taskDefinition,
      List<ServiceChange> service,
      List<String> snapshot,
      List<String> problems) {
    public boolean changesNothing() {
      return taskDefinition.isEmpty() && service.isEmpty();
    }

    /** How long after the changes are live the snapshot is taken. */
    public Duration snapshotAfter() {
      return dev.sherlock.policy.Action.CaptureSnapshot.delayOf(policy.spec().actions());
    }
  }

  /** A service-level setting that changes, e.g. enableExecuteCommand false to true. */
  public record ServiceChange(String setting, String before, String after) {}
}
