package dev.sherlock.diagnosis;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A container killed for its memory: exit code 137 (SIGKILL), most surely with ECS's
 * "OutOfMemoryError" reason, an {@code OutOfMemoryError} in its last log lines, or memory near its
 * limit in the stats.
 */
final class OomKillRule implements DiagnosisRule {
  private static final Pattern OOM = Pattern.compile("OutOfMemory|out of memory|\\bOOM");
  private static final int SIGKILL = 137;

  /** ECS itself said so: its reason names the OOM. */
  private static boolean reported(Evidence.StoppedContainer c) {
    return OOM.matcher(c.reason()).find() || OOM.matcher(c.stoppedReason()).find();
  }

  /**
   * Stopped by a deployment, a scale-in or a person: a 137 is then the SIGKILL after the stop
   * timeout, not the kernel's OOM killer.
   */
  private static boolean stoppedOnPurpose(Evidence.StoppedContainer c) {
    return c.stopCode().equals("ServiceSchedulerInitiated")
        || c.stopCode().equals("UserInitiated")
        || c.stopCode().equals("SpotInterruption")
        || c.stopCode().equals("TerminationNotice");
  }

  @Override
  public Optional<Cause> examine(Evidence evidence) {
    List<Evidence.StoppedContainer> killed =
        evidence.stoppedContainers().stream()
            .filter(c -> reported(c) || (c.exitCode().orElse(0) == SIGKILL && !stoppedOnPurpose(c)))
            .toList();
    if (killed.isEmpty()) {
      return Optional.empty();
    }
    List<Cause.Support> support = new ArrayList<>();
    double confidence = 0.5;
    for (Evidence.StoppedContainer c : killed.stream().limit(3).toList()) {
      support.add(
          new Cause.Support(
              "stoppedTasks",
              "task %s container %s exited %s: %s"
                  .formatted(
                      c.task(),
                      c.container(),
                      c.exitCode().map(String::valueOf).orElse("(no code)"),
                      c.reason().isEmpty() ? c.stoppedReason() : c.reason())));
    }
    if (killed.stream().anyMatch(OomKillRule::reported)) {
      confidence += 0.3;
    }
    List<Evidence.LogLine> lines = evidence.logLines(OOM);
    if (!lines.isEmpty()) {
      confidence += 0.1;
      lines.stream().limit(3).map(Evidence::support).forEach(support::add);
    }
    String container = killed.getFirst().container();
    evidence.memory().stream()
        .filter(m -> m.container().equals(container) && m.limitMiB() > 0)
        .filter(m -> m.usedMiB() >= m.limitMiB() * 0.9)
        .findFirst()
        .ifPresent(
            m ->
                support.add(
                    new Cause.Support(
                        "taskStats",
                        "task %s container %s uses %d of %d MiB"
                            .formatted(m.task(), m.container(), m.usedMiB(), m.limitMiB()))));
    if (support.stream().anyMatch(s -> s.part().equals("taskStats"))) {
      confidence += 0.1;
    }
    return Optional.of(
        new Cause(
            "oom-kill",
            "OOM kill at the memory limit: container %s".formatted(container),
            confidence,
            support,
            "raise %s's memory limit, or find the leak: a heap dump at the next OOM"
                    .formatted(container)
                + " (-XX:+HeapDumpOnOutOfMemoryError) and its memory over time in the metrics"));
  }
}
