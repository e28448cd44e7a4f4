package dev.sherlock.diagnosis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A fault-injection or chaos switch turned on in the task definition ({@code CHAOSMODE=on}, {@code
 * FAULT_INJECTION=true}, ...), surer when the logs show it acting.
 */
final class FaultInjectionRule implements DiagnosisRule {
  private static final Pattern SWITCH =
      Pattern.compile(
          "(?i)chaos|fault.?inject|inject.?fault|failure.?inject|simulate.?(fail|error|latency)");
  private static final Pattern ON = Pattern.compile("(?i)on|true|1|yes|enabled?");

  /** Names that switch it off when true: {@code CHAOS_DISABLED}, {@code NO_FAULT_INJECTION}. */
  private static final Pattern NEGATED = Pattern.compile("(?i)disable|(^|_)no_|skip|(^|_)off");

  private static final Pattern ACTING = Pattern.compile("(?i)chaos|injected|fault injection");

  @Override
  public Optional<Cause> examine(Evidence evidence) {
    List<Cause.Support> support = new ArrayList<>();
    String flag = null;
    for (var container : evidence.environment().entrySet()) {
      for (Map.Entry<String, String> variable : container.getValue().entrySet()) {
        String value = variable.getValue() == null ? "" : variable.getValue().strip();
        if (variable.getKey() != null
            && SWITCH.matcher(variable.getKey()).find()
            && !NEGATED.matcher(variable.getKey()).find()
            && ON.matcher(value).matches()) {
          String setting = "%s=%s".formatted(variable.getKey(), variable.getValue());
          flag = flag == null ? setting : flag;
          support.add(
              new Cause.Support(
                  "taskDefinition", "container %s: %s".formatted(container.getKey(), setting)));
        }
      }
    }
    if (flag == null) {
      return Optional.empty();
    }
    List<Evidence.LogLine> acting = evidence.logLines(ACTING);
    acting.stream().limit(5).map(Evidence::support).forEach(support::add);
    // Requests whose time went to an injected delay, or that an injected fault failed.
    List<Evidence.SlowRequest> traced =
        evidence.slowRequests().stream()
            .filter(r -> ACTING.matcher(r.where() + " " + r.cause()).find())
            .toList();
    traced.stream().limit(3).map(Evidence::support).forEach(support::add);
    String name = flag.substring(0, flag.indexOf('='));
    String shown =
        Stream.of(
                acting.isEmpty() ? "" : plural(acting.size(), "log line"),
                traced.isEmpty() ? "" : plural(traced.size(), "traced request"))
            .filter(s -> !s.isEmpty())
            .collect(Collectors.joining(" and "));
    return Optional.of(
        new Cause(
            "fault-injection",
            "fault injection is on: " + flag,
            shown.isEmpty() ? 0.6 : traced.isEmpty() || acting.isEmpty() ? 0.9 : 0.95,
            support,
            shown.isEmpty()
                ? "confirm whether the experiment is meant to run; turn %s off with a deploy if not"
                    .formatted(name)
                : "%s %s it acting: turn %s off with a deploy, or end the experiment"
                    .formatted(
                        shown, acting.size() + traced.size() == 1 ? "shows" : "show", name)));
  }

  private static String plural(int n, String what) {
    return "%d %s%s".formatted(n, what, n == 1 ? "" : "s");
  }
}
