package dev.sherlock.diagnosis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A deploy shortly before the onset: the revision the service ran was registered within {@link
 * #WINDOW} before what opened the session began, or during the trigger's window itself. It names
 * both revisions and what changed between them. Correlation, not proof - a deploy that changed
 * nothing but the image is as suspect as one that changed the environment - so it is never surer
 * than the evidence of the change itself.
 */
final class DeploymentOnsetRule implements DiagnosisRule {
  static final Duration WINDOW = Duration.ofMinutes(30);
  private static final int SHOWN = 5;

  @Override
  public Optional<Cause> examine(Evidence evidence) {
    Optional<Evidence.LastDeploy> found = evidence.lastDeploy();
    Optional<Instant> onset = evidence.onset();
    if (found.isEmpty() || onset.isEmpty() || found.get().previous().isEmpty()) {
      return Optional.empty();
    }
    Evidence.LastDeploy deploy = found.get();
    // The onset is where the trigger's window began; a deploy inside that window rolled out as the
    // metric turned, one before it had up to WINDOW to show. The revision ran when the session
    // opened, so it never comes after the session.
    Duration before = Duration.between(deploy.registeredAt(), onset.get());
    if (before.compareTo(WINDOW) > 0 || deploy.changes().isEmpty()) {
      return Optional.empty();
    }
    List<Cause.Support> support = new ArrayList<>();
    support.add(
        new Cause.Support(
            "lastDeploy",
            before.isNegative()
                ? "%s registered at %s, inside the window that opened the session (from %s)"
                    .formatted(deploy.revision(), deploy.registeredAt(), onset.get())
                : "%s registered at %s, %d min before the onset at %s"
                    .formatted(
                        deploy.revision(),
                        deploy.registeredAt(),
                        before.toMinutes(),
                        onset.get())));
    deploy.changes().stream()
        .limit(SHOWN)
        .forEach(c -> support.add(new Cause.Support("lastDeploy", c)));
    boolean closer = before.compareTo(Duration.ofMinutes(10)) <= 0;
    return Optional.of(
        new Cause(
            "deployment-onset",
            "a deploy shortly before the onset: %s (from %s, %d change%s)"
                .formatted(
                    deploy.revision(),
                    deploy.previous().get(),
                    deploy.changes().size(),
                    deploy.changes().size() == 1 ? "" : "s"),
            closer ? 0.6 : 0.4,
            support,
            "compare %s with %s; if the change is the cause, roll back to %s with a deploy"
                .formatted(deploy.revision(), deploy.previous().get(), deploy.previous().get())));
  }
}
