package dev.sherlock.policy.load;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sherlock.policy.Action;
import dev.sherlock.policy.DebugPolicy;
import dev.sherlock.policy.DebugSession;
import dev.sherlock.policy.DurationBounds;
import dev.sherlock.policy.Durations;
import dev.sherlock.policy.Trigger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks a schema cannot express: a policy's parts must make sense together, names must be
 * unique across all files, and a session must name a policy that exists.
 */
final class PolicyChecks {
  private final List<YamlDocument> allDocuments;

  /**
   * @param allDocuments every parsed document, valid or not, so that a name taken by a broken
   *     policy still counts as taken (and a session naming it is not told it is unknown)
   */
  PolicyChecks(List<YamlDocument> allDocuments) {
    this.allDocuments = allDocuments;
  }

  /** Returns the documents without problems; adds the problems of the others. */
  List<LoadedDocument> check(List<LoadedDocument> bound, List<Diagnostic> problems) {
    List<LoadedDocument> valid = new ArrayList<>();
    Map<String, YamlDocument> firstByName = firstDocumentByName();
    Set<String> policyNames = new HashSet<>();
    for (YamlDocument document : allDocuments) {
      if (DebugPolicy.KIND.equals(document.root().path("kind").asText())) {
        policyNames.add(document.root().path("metadata").path("name").asText());
      }
    }
    for (LoadedDocument loaded : bound) {
      List<Diagnostic> found = new ArrayList<>();
      Reporter report = new Reporter(loaded.source(), found);
      YamlDocument first = firstByName.get(key(loaded.source().root()));
      if (first != loaded.source()) {
        report.atValue(
            "/metadata/name",
            "duplicate %s name '%s' (first defined at %s)"
                .formatted(
                    loaded.model().kind(),
                    loaded.model().metadata().name(),
                    where(first, "/metadata/name")));
      }
      switch (loaded.model()) {
        case DebugPolicy policy -> checkPolicy(policy, report);
        case DebugSession session -> {
          session
              .spec()
              .duration()
              .ifPresent(
                  d -> report.bounds("/spec/duration", DurationBounds.session("spec.duration"), d));
          if (!policyNames.contains(session.spec().policy())) {
            report.atValue(
                "/spec/policy",
                "unknown policy '%s': no DebugPolicy of that name is loaded"
                    .formatted(session.spec().policy()));
          }
        }
      }
      problems.addAll(found);
      if (found.isEmpty()) {
        valid.add(loaded);
      }
    }
    return valid;
  }

  private static void checkPolicy(DebugPolicy policy, Reporter report) {
    var spec = policy.spec();
    if (spec.target().services().isEmpty() && spec.target().tags().isEmpty()) {
      report.atKey("/spec/target", "spec.target selects no service: give services, tags or both");
    }
    report.bounds(
        "/spec/session/duration",
        DurationBounds.session("spec.session.duration"),
        spec.session().duration());
    report.bounds(
        "/spec/session/cooldown",
        DurationBounds.cooldown("spec.session.cooldown"),
        spec.session().cooldown());
    for (int i = 0; i < spec.triggers().size(); i++) {
      checkWindows(
          spec.triggers().get(i),
          "/spec/triggers/%d".formatted(i),
          "spec.triggers[%d]".formatted(i),
          report);
      if (spec.triggers().get(i) instanceof Trigger.Metric metric) {
        int thresholds =
            (metric.above().isPresent() ? 1 : 0)
                + (metric.below().isPresent() ? 1 : 0)
                + (metric.aboveBaseline().isPresent() ? 1 : 0);
        if (thresholds != 1) {
          report.atKey(
              "/spec/triggers/%d/metric".formatted(i),
              "metric trigger needs exactly one of above, below or aboveBaseline (found %d)"
                  .formatted(thresholds));
        }
      }
    }
    checkActions(spec.actions(), report);
    for (int i = 0; i < spec.actions().size(); i++) {
      if (spec.actions().get(i) instanceof Action.CaptureStatusPage page) {
        String at = "/spec/actions/%d/captureStatusPage".formatted(i);
        page.timeout()
            .ifPresent(
                t ->
                    report.bounds(
                        at + "/timeout",
                        DurationBounds.window(
                            "captureStatusPage.timeout",
                            Duration.ofSeconds(30),
                            "the longest a task is waited for"),
                        t));
        int bytes = page.maxBytesOrDefault();
        if (bytes < 1 || bytes > Action.CaptureStatusPage.MOST_BYTES) {
          report.atValue(
              at + "/maxBytes",
              "captureStatusPage.maxBytes %s is not a size from 1 to 1MiB (like 4096, 64KiB, 1MiB)"
                  .formatted(page.maxBytes().orElse("")));
        }
      }
      if (spec.actions().get(i) instanceof Action.CaptureSnapshot snapshot
          && snapshot.after().isPresent()
          && snapshot.after().get().compareTo(spec.session().duration()) >= 0) {
        report.atValue(
            "/spec/actions/%d/captureSnapshot/after".formatted(i),
            "captureSnapshot.after %s is not shorter than the session (%s): it would never be taken"
                .formatted(
                    Durations.format(snapshot.after().get()),
                    Durations.format(spec.session().duration())));
      }
    }
  }

  /**
   * Metric windows and crash-loop windows: longer than zero, no longer than CloudWatch keeps the
   * data they need, and periods CloudWatch accepts (1, 5, 10, 30 s or a multiple of a minute).
   */
  private static void checkWindows(Trigger trigger, String at, String name, Reporter report) {
    switch (trigger) {
      case Trigger.Metric m -> {
        String metric = name + ".metric";
        m.period()
            .ifPresent(
                p -> {
                  report.bounds(
                      at + "/metric/period",
                      DurationBounds.window(
                          metric + ".period", Duration.ofDays(1), "the longest period"),
                      p);
                  long s = p.toSeconds();
                  if (s > 0 && s < 60 ? !List.of(1L, 5L, 10L, 30L).contains(s) : s % 60 != 0) {
                    report.atValue(
                        at + "/metric/period",
                        "%s.period %s is not a CloudWatch period: 1s, 5s, 10s, 30s or a multiple of 1m"
                            .formatted(metric, Durations.format(p)));
                  }
                });
        m.forDuration()
            .ifPresent(
                f ->
                    report.bounds(
                        at + "/metric/for",
                        DurationBounds.window(
                            metric + ".for", Duration.ofDays(1), "the longest a breach is watched"),
                        f));
        m.aboveBaseline()
            .ifPresent(
                b ->
                    report.bounds(
                        at + "/metric/aboveBaseline/over",
                        DurationBounds.window(
                            metric + ".aboveBaseline.over",
                            Duration.ofDays(14),
                            "CloudWatch keeps one-minute data for 15 days"),
                        b.over()));
      }
      case Trigger.Restarts r ->
          report.bounds(
              at + "/restarts/within",
              DurationBounds.window(
                  name + ".restarts.within", Duration.ofDays(1), "the longest crash-loop window"),
              r.within());
      default -> {}
    }
  }

  /** Containers the actions name must not collide, and no variable may be set twice. */
  private static void checkActions(List<Action> actions, Reporter report) {
    Map<String, Integer> environmentContainers = new HashMap<>();
    Map<String, Integer> sidecars = new HashMap<>();
    Map<String, Integer> variables = new HashMap<>();
    for (int i = 0; i < actions.size(); i++) {
      String at = "/spec/actions/%d".formatted(i);
      switch (actions.get(i)) {
        case Action.SetEnvironment env -> {
          if (env.variables().isEmpty()) {
            report.atKey(
                at + "/setEnvironment/variables",
                "setEnvironment has no effect: variables is empty");
          }
          environmentContainers.putIfAbsent(env.container(), i);
          for (String name : env.variables().keySet()) {
            Integer earlier = variables.putIfAbsent(env.container() + "\0" + name, i);
            if (earlier != null) {
              report.atKey(
                  SourceMap.child(at + "/setEnvironment/variables", name),
                  "variable %s of container '%s' is already set by spec.actions[%d]"
                      .formatted(name, env.container(), earlier));
            }
          }
        }
        case Action.AttachSidecar sidecar -> {
          Integer earlierSidecar = sidecars.putIfAbsent(sidecar.name(), i);
          Integer environment = environmentContainers.get(sidecar.name());
          Integer clash = earlierSidecar != null ? earlierSidecar : environment;
          if (clash != null) {
            report.atValue(
                at + "/attachSidecar/name",
                "sidecar name '%s' clashes with the container named by spec.actions[%d]"
                    .formatted(sidecar.name(), clash));
          }
        }
        default -> {}
      }
    }
    // A setEnvironment after a sidecar of the same name targets the sidecar: also a clash.
    for (int i = 0; i < actions.size(); i++) {
      if (actions.get(i) instanceof Action.SetEnvironment env) {
        Integer sidecar = sidecars.get(env.container());
        if (sidecar != null && sidecar < i) {
          report.atValue(
              "/spec/actions/%d/setEnvironment/container".formatted(i),
              "container '%s' is the sidecar attached by spec.actions[%d]; set its environment there"
                  .formatted(env.container(), sidecar));
        }
      }
    }
  }

  private static String where(YamlDocument document, String pointer) {
    SourcePosition position = document.positions().value(pointer);
    return "%s:%d:%d".formatted(document.file(), position.line(), position.column());
  }

  private Map<String, YamlDocument> firstDocumentByName() {
    Map<String, YamlDocument> first = new HashMap<>();
    for (YamlDocument document : allDocuments) {
      first.putIfAbsent(key(document.root()), document);
    }
    return first;
  }

  private static String key(JsonNode root) {
    return root.path("kind").asText() + "/" + root.path("metadata").path("name").asText();
  }

  /** Adds problems of one document at the position of a pointer. */
  private record Reporter(YamlDocument document, List<Diagnostic> problems) {
    void atValue(String pointer, String message) {
      problems.add(Diagnostic.at(document.file(), document.positions().value(pointer), message));
    }

    void bounds(String pointer, DurationBounds bounds, Duration value) {
      bounds.problem(value).ifPresent(message -> atValue(pointer, message));
    }

    void atKey(String pointer, String message) {
      problems.add(Diagnostic.at(document.file(), document.positions().key(pointer), message));
    }
  }
}
