package dev.sherlock.workbench.policytest;

import dev.sherlock.finding.Finding;
import dev.sherlock.finding.FindingKind;
import dev.sherlock.policy.Durations;
import dev.sherlock.workbench.policytest.PolicyTest.Expectation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Judges each expectation of a test on what a responder would look at afterwards: the findings, in
 * order, with their times on the virtual clock, and the revision each service runs at the end.
 * Every verdict says why, in words a person can act on: what was expected, and what happened.
 */
final class Verdicts {
  /** One expectation's outcome. */
  record Verdict(
      String test,
      String file,
      Optional<String> policy,
      Optional<String> service,
      String expectation,
      boolean passed,
      String reason) {}

  private final PolicyTest test;
  private final List<Finding> findings;
  private final Instant start;
  private final Function<String, String> runningRevision;

  /**
   * @param runningRevision the revision a service runs at the end, by service name
   */
  Verdicts(
      PolicyTest test,
      List<Finding> findings,
      Instant start,
      Function<String, String> runningRevision) {
    this.test = test;
    this.findings = findings;
    this.start = start;
    this.runningRevision = runningRevision;
  }

  /** How a report names an expectation: its kind, and for findings and snapshots what of. */
  static String label(Expectation e) {
    return switch (e) {
      case Expectation.SessionOpened s -> "sessionOpened";
      case Expectation.NoSession n -> "noSession";
      case Expectation.Suppressed s -> "suppressed";
      case Expectation.Reverted r -> "reverted";
      case Expectation.FindingPresent f -> "finding " + f.kind();
      case Expectation.SnapshotHolds s -> "snapshot " + s.part();
    };
  }

  List<Verdict> judge() {
    return test.spec().expect().stream().map(this::judge).toList();
  }

  private Verdict judge(Expectation e) {
    return switch (e) {
      case Expectation.SessionOpened s -> sessionOpened(s);
      case Expectation.NoSession n -> {
        Optional<Finding> opened =
            first(FindingKind.SessionOpened, n.policyName(), n.serviceName());
        yield opened.isEmpty()
            ? pass(e, "noSession", "no session opened")
            : fail(
                e,
                "noSession",
                "a session opened at %s: %s".formatted(at(opened.get()), text(opened.get())));
      }
      case Expectation.Suppressed s -> {
        List<Finding> suppressed =
            of(FindingKind.TriggerSuppressed, s.policyName(), s.serviceName()).toList();
        Optional<Finding> match =
            suppressed.stream()
                .filter(f -> s.reason().map(r -> contains(f.summary(), r)).orElse(true))
                .findFirst();
        if (match.isPresent()) {
          yield pass(
              e,
              "suppressed",
              "suppressed at %s: %s".formatted(at(match.get()), match.get().summary()));
        }
        yield fail(
            e,
            "suppressed",
            suppressed.isEmpty()
                ? "no trigger of the policy was suppressed on the service"
                : "suppressed, but not for \"%s\": %s"
                    .formatted(s.reason().orElse(""), suppressed.getFirst().summary()));
      }
      case Expectation.Reverted r -> reverted(r);
      case Expectation.FindingPresent f -> finding(f);
      case Expectation.SnapshotHolds s -> snapshot(s);
    };
  }

  private Verdict sessionOpened(Expectation.SessionOpened s) {
    String name = "sessionOpened";
    Optional<Finding> opened = first(FindingKind.SessionOpened, s.policyName(), s.serviceName());
    if (opened.isEmpty()) {
      List<Finding> suppressed =
          of(FindingKind.TriggerSuppressed, s.policyName(), s.serviceName()).toList();
      boolean fired =
          of(FindingKind.TriggerFired, s.policyName(), s.serviceName()).findAny().isPresent();
      return fail(
          s,
          name,
          !suppressed.isEmpty()
              ? "no session opened: the trigger was suppressed: " + suppressed.getFirst().summary()
              : fired
                  ? "the trigger fired but no session opened"
                  : "no session opened: the policy's trigger never fired in %s"
                      .formatted(Durations.format(test.duration())));
    }
    // Any session of the policy on the service that meets every condition will do; when none
    // does, the first one's shortfall is the reason.
    List<Finding> sessions =
        of(FindingKind.SessionOpened, s.policyName(), s.serviceName()).toList();
    Optional<String> firstProblem = Optional.empty();
    for (Finding f : sessions) {
      Optional<String> problem = shortfall(s, f);
      if (problem.isEmpty()) {
        return pass(s, name, "opened at " + at(f));
      }
      firstProblem = firstProblem.or(() -> problem);
    }
    return fail(s, name, firstProblem.orElseThrow());
  }

  /** What keeps one opened session from meeting the expectation, if anything. */
  private Optional<String> shortfall(Expectation.SessionOpened s, Finding f) {
    Duration when = since(f);
    if (s.within().isPresent() && when.compareTo(s.within().get()) > 0) {
      return Optional.of(
          "opened at %s, later than within %s"
              .formatted(at(f), Durations.format(s.within().get())));
    }
    if (s.after().isPresent() && when.compareTo(s.after().get()) < 0) {
      return Optional.of(
          "opened at %s, earlier than after %s"
              .formatted(at(f), Durations.format(s.after().get())));
    }
    if (s.diff().isEmpty()) {
      return Optional.empty();
    }
    String session = f.session().orElse("");
    Optional<Finding> applied =
        findings.stream()
            .filter(a -> a.kind() == FindingKind.ActionApplied)
            .filter(a -> a.evidence().path("sessions").toString().contains("\"" + session + "\""))
            .findFirst();
    if (applied.isEmpty()) {
      return Optional.of("opened at %s, but no change was deployed for it".formatted(at(f)));
    }
    if (s.exact()) {
      List<String> lines = changeLines(applied.get());
      List<String> missing = s.diff().stream().filter(l -> !lines.contains(l)).toList();
      List<String> more = lines.stream().filter(l -> !s.diff().contains(l)).toList();
      if (!missing.isEmpty() || !more.isEmpty()) {
        return Optional.of(
            "opened at %s, but its change is not exactly the diff:%s%s"
                .formatted(
                    at(f),
                    missing.isEmpty() ? "" : " lacks " + quoted(missing),
                    more.isEmpty()
                        ? ""
                        : (missing.isEmpty() ? "" : ";") + " also " + quoted(more)));
      }
      return Optional.empty();
    }
    String change = text(applied.get());
    for (String line : s.diff()) {
      if (!contains(change, line)) {
        return Optional.of(
            "opened at %s, but its change lacks \"%s\": %s"
                .formatted(at(f), line, applied.get().summary()));
      }
    }
    return Optional.empty();
  }

  /**
   * The lines of a deployed change, as {@code sherlock plan} prints them, and {@code ECS Exec on}
   * (or {@code off}) when the change turned it.
   */
  private static List<String> changeLines(Finding applied) {
    List<String> lines = new ArrayList<>();
    applied.evidence().path("changes").forEach(c -> lines.add(c.asText()));
    for (String exec : List.of("ECS Exec on", "ECS Exec off")) {
      if (applied.summary().endsWith("; " + exec)) {
        lines.add(exec);
      }
    }
    return lines;
  }

  private static String quoted(List<String> lines) {
    return String.join(", ", lines.stream().map(l -> "\"" + l + "\"").toList());
  }

  private Verdict reverted(Expectation.Reverted r) {
    String name = "reverted";
    Optional<Finding> back =
        of(FindingKind.ActionReverted, Optional.empty(), r.serviceName())
            .filter(f -> f.summary().contains(" back on "))
            .filter(
                f -> r.to().map(to -> f.summary().contains(" back on " + to + " ")).orElse(true))
            .findFirst();
    String now = runningRevision.apply(r.service());
    if (back.isEmpty()) {
      return fail(
          r,
          name,
          "never reverted%s; it runs %s at the end"
              .formatted(r.to().map(t -> " to " + t).orElse(""), now));
    }
    Finding f = back.get();
    if (r.within().isPresent() && since(f).compareTo(r.within().get()) > 0) {
      return fail(
          r,
          name,
          "reverted at %s, later than within %s"
              .formatted(at(f), Durations.format(r.within().get())));
    }
    if (r.to().isPresent() && !r.to().get().equals(now)) {
      return fail(r, name, "reverted at %s, but it runs %s at the end".formatted(at(f), now));
    }
    return pass(r, name, "reverted at %s; runs %s".formatted(at(f), now));
  }

  private Verdict finding(Expectation.FindingPresent e) {
    String name = "finding " + e.kind();
    boolean absent = e.absent().orElse(false);
    Optional<Finding> match =
        of(FindingKind.valueOf(e.kind()), e.policy(), e.service())
            .filter(f -> e.contains().map(c -> contains(text(f), c)).orElse(true))
            .findFirst();
    String what = e.kind() + e.contains().map(c -> " containing \"" + c + "\"").orElse("");
    if (absent) {
      return match.isEmpty()
          ? pass(e, name, "no " + what)
          : fail(
              e,
              name,
              "expected no %s; at %s: %s".formatted(what, at(match.get()), match.get().summary()));
    }
    return match.isPresent()
        ? pass(e, name, "at %s: %s".formatted(at(match.get()), match.get().summary()))
        : fail(e, name, "no " + what);
  }

  private Verdict snapshot(Expectation.SnapshotHolds s) {
    String name = "snapshot " + s.part();
    List<Finding> snapshots = of(FindingKind.Snapshot, s.policy(), s.service()).toList();
    if (snapshots.isEmpty()) {
      return fail(s, name, "no snapshot was taken");
    }
    for (Finding f : snapshots) {
      var part = f.evidence().path("parts").path(s.part());
      StringBuilder text = new StringBuilder();
      values(part, text);
      if (contains(text.toString(), s.contains())) {
        return pass(s, name, "snapshot at %s has \"%s\"".formatted(at(f), s.contains()));
      }
    }
    var part = snapshots.getLast().evidence().path("parts").path(s.part());
    return fail(
        s,
        name,
        part.isMissingNode()
            ? "the snapshot has no part " + s.part()
            : "no snapshot's %s (status %s) contains \"%s\""
                .formatted(s.part(), part.path("status").asText("?"), s.contains()));
  }

  private Stream<Finding> of(FindingKind kind, Optional<String> policy, Optional<String> service) {
    return findings.stream()
        .filter(f -> f.kind() == kind)
        .filter(f -> policy.isEmpty() || f.policy().equals(policy))
        .filter(f -> service.isEmpty() || f.service().equals(service));
  }

  private Optional<Finding> first(
      FindingKind kind, Optional<String> policy, Optional<String> service) {
    return of(kind, policy, service).findFirst();
  }

  private Duration since(Finding f) {
    return Duration.between(start, f.time());
  }

  private String at(Finding f) {
    Duration d = since(f);
    return d.isNegative() ? "the start" : Durations.format(d.withNanos(0));
  }

  /** A finding as a person reads it: its summary and every text and number of its evidence. */
  private static String text(Finding f) {
    StringBuilder text = new StringBuilder(f.summary());
    values(f.evidence(), text);
    return text.toString();
  }

  private static void values(com.fasterxml.jackson.databind.JsonNode node, StringBuilder text) {
    if (node.isValueNode()) {
      text.append('\n').append(node.asText());
    } else {
      node.forEach(child -> values(child, text));
    }
  }

  private static boolean contains(String haystack, String needle) {
    return haystack.contains(needle);
  }

  private Verdict pass(Expectation e, String expectation, String reason) {
    return verdict(e, expectation, true, reason);
  }

  private Verdict fail(Expectation e, String expectation, String reason) {
    return verdict(e, expectation, false, reason);
  }

  private Verdict verdict(Expectation e, String expectation, boolean passed, String reason) {
    return new Verdict(
        test.name(), test.file(), e.policyName(), e.serviceName(), expectation, passed, reason);
  }

  /** Every expectation failed for one reason (the scenario could not run). */
  static List<Verdict> allFailed(PolicyTest test, String reason) {
    return test.spec().expect().stream()
        .map(
            e ->
                new Verdict(
                    test.name(),
                    test.file(),
                    e.policyName(),
                    e.serviceName(),
                    label(e),
                    false,
                    reason))
        .toList();
  }
}
