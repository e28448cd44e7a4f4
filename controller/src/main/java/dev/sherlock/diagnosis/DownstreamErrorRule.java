package dev.sherlock.diagnosis;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The app's logs say a dependency fails it: refused connections, timeouts, 5xx answers. */
final class DownstreamErrorRule implements DiagnosisRule {
  private static final Pattern DOWNSTREAM =
      Pattern.compile(
          "(?i)connection refused|ECONNREFUSED|connect(ion)? timed out|read timed out"
              + "|cannot connect|could not connect|unable to connect|no route to host"
              + "|host unreachable|unknown host|service unavailable|bad gateway|gateway timeout"
              + "|\\b50[234]\\b.*from|status(code)?[ =:]+5\\d\\d");

  @Override
  public Optional<Cause> examine(Evidence evidence) {
    List<Evidence.LogLine> lines = evidence.logLines(DOWNSTREAM);
    if (lines.isEmpty()) {
      return Optional.empty();
    }
    // A task that logged the failure and then exited is the failure's doing: a surer cause.
    var exited =
        evidence.stoppedContainers().stream()
            .filter(c -> c.exitCode().orElse(0) != 0)
            .map(Evidence.StoppedContainer::task)
            .collect(java.util.stream.Collectors.toSet());
    boolean crashed = lines.stream().anyMatch(l -> exited.contains(l.task()));
    long distinct = lines.stream().map(Evidence.LogLine::text).distinct().count();
    return Optional.of(
        new Cause(
            "downstream",
            (crashed
                    ? "the app exits when a dependency fails it: "
                    : "a dependency fails the app: ")
                + lines.getFirst().text().strip(),
            crashed ? 0.95 : Math.min(0.8, 0.4 + 0.1 * distinct),
            lines.stream().limit(5).map(Evidence::support).toList(),
            "check the dependency the lines name (its health, security groups, DNS) and the app's"
                + " timeouts and retries"));
  }
}
