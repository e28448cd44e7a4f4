package dev.sherlock.diagnosis;

import java.util.List;
import java.util.Optional;

/**
 * A task stopped because an essential container other than the app exited: a sidecar (a log router,
 * an agent, a proxy) took the app down with it.
 */
final class SidecarExitRule implements DiagnosisRule {
  @Override
  public Optional<Cause> examine(Evidence evidence) {
    if (evidence.mainContainer().isEmpty()) {
      return Optional.empty();
    }
    String app = evidence.mainContainer().get();
    return evidence.stoppedContainers().stream()
        .filter(c -> c.stopCode().equals("EssentialContainerExited"))
        .filter(c -> !c.container().equals(app))
        .filter(c -> c.exitCode().orElse(0) != 0)
        .findFirst()
        .map(
            c ->
                new Cause(
                    "sidecar-exit",
                    "an essential sidecar exited: %s".formatted(c.container()),
                    0.7,
                    List.of(
                        new Cause.Support(
                            "stoppedTasks",
                            "task %s container %s exited %d%s"
                                .formatted(
                                    c.task(),
                                    c.container(),
                                    c.exitCode().orElse(0),
                                    c.reason().isEmpty() ? "" : ": " + c.reason()))),
                    "read %s's logs; if the app can run without it, mark it essential: false"
                        .formatted(c.container())));
  }
}
