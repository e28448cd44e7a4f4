package dev.sherlock.plan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sherlock.overlay.TaskDefinitionDiff.Change;
import dev.sherlock.plan.Plan.ServicePlan;
import dev.sherlock.plan.Plan.SessionPlan;
import dev.sherlock.policy.Durations;
import dev.sherlock.policy.Mode;
import dev.sherlock.policy.Trigger;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Renders a {@link Plan} the way {@code terraform plan} reads: {@code +} added, {@code ~} changed,
 * {@code -} removed, one line per change, grouped by service and session. Values of variables whose
 * names look like secrets are never printed.
 */
public final class PlanPrinter {
  private static final Pattern SECRET_NAME =
      Pattern.compile(
          "(?i).*(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credential).*");

  private final PrintWriter out;

  public PlanPrinter(PrintWriter out) {
    this.out = out;
  }

  public void print(Plan plan) {
    int sessions = 0;
    int changing = 0;
    for (ServicePlan service : plan.services()) {
      printService(service);
      sessions += service.sessions().size();
      changing += (int) service.sessions().stream().filter(s -> !s.changesNothing()).count();
    }
    out.printf(
        "Plan: %d service%s, %d possible session%s, %d of them change the service.%n",
        plan.services().size(),
        plan.services().size() == 1 ? "" : "s",
        sessions,
        sessions == 1 ? "" : "s",
        changing);
  }

  private void printService(ServicePlan service) {
    out.printf(
        "service %s/%s (task definition %s, desired count %d)%n",
        service.cluster(), service.service(), service.taskDefinition(), service.desiredCount());
    service.problems().forEach(p -> out.printf("  ! %s%n", p));
    if (service.sessions().isEmpty()) {
      out.println("  no policy selects this service");
    }
    for (SessionPlan session : service.sessions()) {
      printSession(session);
    }
    out.println();
  }

  private void printSession(SessionPlan session) {
    String origin =
        session
            .declaredBy()
            .map(
                s ->
                    "session %s (DebugSession, runs policy %s)"
                        .formatted(s, session.policy().name()))
            .orElse("policy " + session.policy().name());
    out.printf(
        "  %s, %s, for %s%n",
        origin,
        session.mode() == Mode.DRY_RUN
            ? "dryRun: records a Plan finding, changes nothing"
            : "enforce",
        Durations.format(session.duration()));
    if (session.declaredBy().isEmpty()) {
      out.printf(
          "    when: %s%n",
          session.policy().spec().triggers().stream()
              .map(PlanPrinter::describe)
              .collect(Collectors.joining("; or ")));
    }
    session.problems().forEach(p -> out.printf("    ! %s%n", p));
    session
        .newRevisionOf()
        .ifPresent(
            base -> {
              out.printf("    task definition: new revision of %s%n", base);
              session.taskDefinition().forEach(c -> out.printf("      %s%n", describe(c)));
            });
    for (var change : session.service()) {
      out.printf(
          "    service: ~ %s: %s -> %s%n", change.setting(), change.before(), change.after());
    }
    if (!session.snapshot().isEmpty()) {
      out.printf(
          "    snapshot: %s%s%n",
          String.join(", ", session.snapshot()),
          session.snapshotAfter().isZero()
              ? ""
              : " (%s after the changes are live)"
                  .formatted(Durations.format(session.snapshotAfter())));
    }
    if (session.changesNothing()) {
      out.println("    no change to the service");
    }
  }

  public static String describe(Change change) {
    return switch (change) {
      case Change.ContainerAdded added ->
          "+ container " + added.container() + sidecar(added.definition());
      case Change.ContainerRemoved removed -> "- container " + removed.container();
      case Change.EnvironmentSet env -> {
        String variable = "container %s: environment %s".formatted(env.container(), env.variable());
        boolean secret = SECRET_NAME.matcher(env.variable()).matches();
        if (env.before().isEmpty()) {
          yield "+ %s = %s".formatted(variable, shown(env.after(), secret));
        } else if (env.after().isEmpty()) {
          yield "- %s".formatted(variable);
        }
        yield "~ %s: %s -> %s"
            .formatted(variable, shown(env.before(), secret), shown(env.after(), secret));
      }
      case Change.FieldChanged field ->
          "~ %s: %s -> %s"
              .formatted(
                  field.path(),
                  field.before().map(JsonNode::toString).orElse("(unset)"),
                  field.after().map(JsonNode::toString).orElse("(unset)"));
    };
  }

  private static String shown(Optional<String> value, boolean secret) {
    return secret ? "(redacted)" : "\"" + value.orElse("") + "\"";
  }

  /** A sidecar's essentials on one line: image, resources, ports. */
  private static String sidecar(JsonNode definition) {
    List<String> parts = new ArrayList<>();
    parts.add("image " + definition.path("image").asText());
    if (definition.has("cpu")) {
      parts.add("cpu " + definition.path("cpu").asInt());
    }
    if (definition.has("memory")) {
      parts.add("memory " + definition.path("memory").asInt() + " MiB");
    }
    if (definition.has("memoryReservation")) {
      parts.add("memoryReservation " + definition.path("memoryReservation").asInt() + " MiB");
    }
    List<String> ports = new ArrayList<>();
    definition
        .path("portMappings")
        .forEach(
            p ->
                ports.add(
                    p.path("containerPort").asInt() + "/" + p.path("protocol").asText("tcp")));
    if (!ports.isEmpty()) {
      parts.add("ports " + String.join(", ", ports));
    }
    parts.add("essential " + definition.path("essential").asBoolean(false));
    if (definition.has("logConfiguration")) {
      parts.add("logs " + definition.path("logConfiguration").path("logDriver").asText());
    }
    return " (" + String.join(", ", parts) + ")";
  }

  public static String describe(Trigger trigger) {
    return switch (trigger) {
      case Trigger.Metric m -> {
        String threshold =
            m.above()
                .map(v -> "> " + number(v))
                .or(() -> m.below().map(v -> "< " + number(v)))
                .or(
                    () ->
                        m.aboveBaseline()
                            .map(
                                b ->
                                    "> %s x its average over %s"
                                        .formatted(number(b.factor()), Durations.format(b.over()))))
                .orElse("?");
        yield "metric %s %s %s %s%s"
            .formatted(
                m.namespace(),
                m.name(),
                m.statistic().orElse(Trigger.Metric.DEFAULT_STATISTIC),
                threshold,
                m.forDuration().map(d -> " for " + Durations.format(d)).orElse(""));
      }
      case Trigger.TaskStopped t -> {
        List<String> conditions = new ArrayList<>();
        if (!t.stopCodes().isEmpty()) {
          conditions.add("stopCode in " + t.stopCodes());
        }
        if (!t.exitCodes().isEmpty()) {
          conditions.add("exit code in " + t.exitCodes());
        }
        t.reason().ifPresent(r -> conditions.add("reason ~ " + r));
        t.container().ifPresent(c -> conditions.add("container " + c));
        yield "a task stops"
            + (conditions.isEmpty() ? "" : " (" + String.join(", ", conditions) + ")");
      }
      case Trigger.Restarts r ->
          "%d tasks stop within %s".formatted(r.count(), Durations.format(r.within()));
      case Trigger.ServiceEvent e -> "service event " + String.join(" or ", e.names());
      case Trigger.DeploymentFailed d -> "a deployment fails";
    };
  }

  private static String number(double value) {
    return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
  }
}
