package dev.sherlock.diagnosis;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The app's own AWS calls are throttled: its logs carry the SDKs' throttling errors. */
final class ThrottlingRule implements DiagnosisRule {
  private static final Pattern THROTTLED =
      Pattern.compile(
          "ThrottlingException|Throttling:|Rate exceeded|TooManyRequestsException|SlowDown"
              + "|RequestLimitExceeded|ProvisionedThroughputExceededException");

  @Override
  public Optional<Cause> examine(Evidence evidence) {
    List<Evidence.LogLine> lines = evidence.logLines(THROTTLED);
    if (lines.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Cause(
            "aws-throttling",
            "the app's AWS calls are throttled",
            0.7,
            lines.stream().limit(5).map(Evidence::support).toList(),
            "back off with jitter and cache what the app reads; ask for a higher quota in"
                + " Service Quotas if the rate is needed"));
  }
}
