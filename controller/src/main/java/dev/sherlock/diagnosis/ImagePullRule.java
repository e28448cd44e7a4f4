package dev.sherlock.diagnosis;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Tasks that never started because their image could not be pulled - told apart by what the
 * registry answered: no such image, no access to it, or too many pulls.
 */
final class ImagePullRule implements DiagnosisRule {
  private static final Pattern PULL = Pattern.compile("CannotPullContainerError|pull image");

  private static final List<Kind> KINDS =
      List.of(
          new Kind(
              Pattern.compile("(?i)not found|manifest unknown|does not exist|no such"),
              "the image does not exist",
              "check the image name and tag in the task definition against the registry"),
          new Kind(
              Pattern.compile("(?i)denied|unauthorized|forbidden|no basic auth|403|AccessDenied"),
              "the image cannot be pulled: access denied",
              "give the execution role ecr:GetAuthorizationToken and ecr:BatchGetImage on the"
                  + " repository, or the registry credentials (repositoryCredentials)"),
          new Kind(
              Pattern.compile("(?i)toomanyrequests|too many requests|rate limit|429"),
              "the registry's pull rate limit",
              "pull through an ECR pull-through cache, or authenticate to the registry"),
          new Kind(
              Pattern.compile("(?i)i/o timeout|dial tcp|context deadline|connection"),
              "the registry cannot be reached",
              "give the task a way out (NAT gateway or VPC endpoints for ECR and S3)"));

  @Override
  public Optional<Cause> examine(Evidence evidence) {
    var failed =
        evidence.stoppedContainers().stream()
            .filter(c -> PULL.matcher(c.stoppedReason() + " " + c.reason()).find())
            .findFirst();
    if (failed.isEmpty()) {
      return Optional.empty();
    }
    String reason = failed.get().stoppedReason() + " " + failed.get().reason();
    Cause.Support support =
        new Cause.Support(
            "stoppedTasks", "task %s: %s".formatted(failed.get().task(), reason.strip()));
    Optional<Kind> kind = Kind.first(KINDS, reason);
    if (kind.isPresent()) {
      return Optional.of(
          new Cause(
              "image-pull", kind.get().title(), 0.9, List.of(support), kind.get().nextStep()));
    }
    return Optional.of(
        new Cause(
            "image-pull",
            "the image cannot be pulled",
            0.7,
            List.of(support),
            "read the whole reason in the stopped task; check the image, the registry and the"
                + " execution role"));
  }
}
