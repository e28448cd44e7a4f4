package dev.sherlock.diagnosis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.aws.EcsGateway;
import dev.sherlock.finding.FindingKind;
import dev.sherlock.finding.Findings;
import dev.sherlock.session.Session;
import dev.sherlock.session.Sessions;
import dev.sherlock.snapshot.Redaction;
import jakarta.inject.Singleton;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * Draws conclusions from a snapshot, as the responder reading it would: each rule of the catalogue
 * looks for its cause in the snapshot's parts (and the environment of the task definition the tasks
 * run), and the causes found are recorded as one {@code Diagnosis} finding, the surest first, each
 * with the lines that support it and the next step. A snapshot in which no rule finds its cause
 * gets no diagnosis: nothing is guessed.
 */
@Singleton
public final class Diagnoser {
  private static final Logger LOG = LoggerFactory.getLogger(Diagnoser.class);

  /** The catalogue. A rule that does not apply says nothing. */
  static final List<DiagnosisRule> RULES =
      List.of(
          new FaultInjectionRule(),
          new OomKillRule(),
          new ImagePullRule(),
          new HealthCheckRule(),
          new PlacementRule(),
          new SidecarExitRule(),
          new DownstreamErrorRule(),
          new DeploymentOnsetRule(),
          new ThrottlingRule());

  private final EcsGateway ecs;
  private final Findings findings;

  public Diagnoser(EcsGateway ecs, Findings findings) {
    this.ecs = ecs;
    this.findings = findings;
  }

  /** The probable causes in a snapshot, surest first; none when no rule finds its cause. */
  public static List<Cause> causes(Evidence evidence) {
    return RULES.stream()
        .map(rule -> rule.examine(evidence))
        .flatMap(Optional::stream)
        .sorted(Comparator.comparingDouble(Cause::confidence).reversed())
        .toList();
  }

  /** Diagnoses a session's snapshot and records what it found. */
  public List<Cause> diagnose(Session session, JsonNode snapshot) {
    List<Cause> causes = causes(evidence(snapshot));
    if (!causes.isEmpty()) {
      findings.record(
          FindingKind.Diagnosis,
          Sessions.subject(session),
          "probable cause on %s: %s"
              .formatted(
                  session.serviceName(),
                  String.join(
                      "; ",
                      causes.stream()
                          .map(c -> "%s (%d%%)".formatted(c.title(), percent(c)))
                          .toList())),
          json(causes, snapshot));
    }
    return causes;
  }

  private Evidence evidence(JsonNode snapshot) {
    Map<String, Map<String, String>> environment = new LinkedHashMap<>();
    Optional<String> main = Optional.empty();
    Optional<String> arn = taskDefinitionOf(snapshot);
    if (arn.isPresent()) {
      try {
        List<ContainerDefinition> containers =
            ecs.taskDefinition(arn.get()).taskDefinition().containerDefinitions();
        for (ContainerDefinition c : containers) {
          Map<String, String> variables = new LinkedHashMap<>();
          c.environment()
              .forEach(
                  kv -> {
                    if (kv.name() != null) {
                      variables.put(kv.name(), kv.value() == null ? "" : kv.value());
                    }
                  });
          environment.put(c.name(), variables);
        }
        main = containers.stream().findFirst().map(ContainerDefinition::name);
      } catch (RuntimeException e) {
        // Diagnosed from the snapshot alone: a rule needing the environment finds nothing.
        LOG.debug("task definition {} for a diagnosis: {}", arn.get(), e.toString());
      }
    }
    return new Evidence(snapshot, environment, main);
  }

  /**
   * The task definition the newest running (else stopped) task of the snapshot runs, else the one
   * the service ran when the snapshot was taken (a snapshot without task parts).
   */
  private static Optional<String> taskDefinitionOf(JsonNode snapshot) {
    for (String part : List.of("tasks", "stoppedTasks")) {
      for (JsonNode task : snapshot.path("parts").path(part).path("data")) {
        if (task.hasNonNull("taskDefinition")) {
          return Optional.of(task.path("taskDefinition").asText());
        }
      }
    }
    return snapshot.hasNonNull("taskDefinition")
        ? Optional.of(snapshot.path("taskDefinition").asText())
        : Optional.empty();
  }

  private static ObjectNode json(List<Cause> causes, JsonNode snapshot) {
    ObjectNode evidence = Findings.evidence();
    evidence.put("snapshotCapturedAt", snapshot.path("capturedAt").asText());
    ArrayNode array = evidence.putArray("causes");
    for (Cause c : causes) {
      ObjectNode cause =
          array
              .addObject()
              .put("rule", c.rule())
              .put("title", c.title())
              .put("confidence", percent(c) / 100.0)
              .put("nextStep", c.nextStep());
      ArrayNode support = cause.putArray("evidence");
      c.evidence().forEach(s -> support.addObject().put("part", s.part()).put("text", s.text()));
    }
    // The lines come from logs and environments: the one redaction path applies to them too.
    return (ObjectNode) Redaction.json(evidence);
  }

  private static long percent(Cause cause) {
    return Math.round(cause.confidence() * 100);
  }
}
