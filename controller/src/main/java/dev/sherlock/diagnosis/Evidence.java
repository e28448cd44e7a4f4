package dev.sherlock.diagnosis;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a snapshot holds, as the rules read it: stopped tasks and their containers, log lines,
 * service events, container stats, and the environment of the service's task definition (which a
 * snapshot leaves out: it is read beside it).
 *
 * @param snapshot a {@code Snapshot} finding's evidence ({@code parts.<name>.data})
 * @param environment by container, the variables of the task definition the tasks run
 * @param mainContainer the task definition's first container: the app, as ECS users lay it out
 */
public record Evidence(
    JsonNode snapshot,
    Map<String, Map<String, String>> environment,
    Optional<String> mainContainer) {

  /** A container of a stopped task, with its task's stop code and reason. */
  public record StoppedContainer(
      String task,
      String container,
      Optional<Integer> exitCode,
      String reason,
      String stopCode,
      String stoppedReason) {}

  /** One log line and where it was read. */
  public record LogLine(String task, String container, String text) {}

  public List<StoppedContainer> stoppedContainers() {
    List<StoppedContainer> out = new ArrayList<>();
    for (JsonNode task : data("stoppedTasks")) {
      String id = shortTask(task.path("taskArn").asText());
      for (JsonNode c : task.path("containers")) {
        out.add(
            new StoppedContainer(
                id,
                c.path("name").asText(),
                c.has("exitCode") ? Optional.of(c.path("exitCode").asInt()) : Optional.empty(),
                c.path("reason").asText(""),
                task.path("stopCode").asText(""),
                task.path("stoppedReason").asText("")));
      }
    }
    return out;
  }

  public List<LogLine> logLines() {
    List<LogLine> out = new ArrayList<>();
    for (JsonNode stream : data("logs")) {
      for (JsonNode line : stream.path("lines")) {
        out.add(
            new LogLine(
                stream.path("task").asText(), stream.path("container").asText(), line.asText()));
      }
    }
    return out;
  }

  /** The log lines that {@code pattern} finds something in, oldest first. */
  public List<LogLine> logLines(java.util.regex.Pattern pattern) {
    return logLines().stream().filter(l -> pattern.matcher(l.text()).find()).toList();
  }

  /** A log line as evidence: where it was read, and the line. */
  public static Cause.Support support(LogLine line) {
    return new Cause.Support(
        "logs", "%s/%s: %s".formatted(line.container(), line.task(), line.text()));
  }

  public List<String> serviceEvents() {
    List<String> out = new ArrayList<>();
    data("serviceEvents").forEach(e -> out.add(e.path("message").asText()));
    return out;
  }

  /** Per task and container: memory used and its limit, in MiB, from the stats part. */
  public record MemoryUse(String task, String container, long usedMiB, long limitMiB) {}

  public List<MemoryUse> memory() {
    List<MemoryUse> out = new ArrayList<>();
    for (JsonNode task : data("taskStats")) {
      for (JsonNode c : task.path("containers")) {
        out.add(
            new MemoryUse(
                task.path("task").asText(),
                c.path("name").asText(),
                c.path("memoryMiB").asLong(),
                c.path("memoryLimitMiB").asLong()));
      }
    }
    return out;
  }

  /**
   * A slow or failed request from the traces part, reduced to where its time went.
   *
   * @param where the longest subsegment's name, e.g. {@code chaos-delay} or {@code DynamoDB}
   * @param share the part of the request's time it took, 0 to 100
   */
  public record SlowRequest(
      String id,
      String request,
      int status,
      double seconds,
      String where,
      double whereSeconds,
      long share,
      String cause) {}

  /** The traces part's slowest and failed requests, slowest first. */
  public List<SlowRequest> slowRequests() {
    List<SlowRequest> out = new ArrayList<>();
    JsonNode traces = data("traces");
    for (String list : new String[] {"slowest", "failed"}) {
      for (JsonNode t : traces.path(list)) {
        JsonNode where = t.path("where");
        out.add(
            new SlowRequest(
                t.path("id").asText(),
                (t.path("method").asText("") + " " + t.path("url").asText("")).strip(),
                t.path("status").asInt(),
                t.path("seconds").asDouble(),
                where.path("name").asText(""),
                where.path("seconds").asDouble(),
                where.path("share").asLong(),
                t.path("cause").asText("")));
      }
    }
    return out;
  }

  /** A traced request as evidence: where its time went, or why it failed. */
  public static Cause.Support support(SlowRequest r) {
    String where =
        r.where().isEmpty()
            ? ""
            : ": %s %.2f s (%d%%)".formatted(r.where(), r.whereSeconds(), r.share());
    String cause = r.cause().isEmpty() ? "" : "; " + r.cause();
    return new Cause.Support(
        "traces",
        "%s %s %d in %.2f s%s%s"
            .formatted(r.id(), r.request(), r.status(), r.seconds(), where, cause));
  }

  /** The service's last deploy, from the lastDeploy part: what changed and when. */
  public record LastDeploy(
      String revision, Instant registeredAt, Optional<String> previous, List<String> changes) {}

  public Optional<LastDeploy> lastDeploy() {
    JsonNode d = data("lastDeploy");
    if (!d.hasNonNull("revision") || !d.hasNonNull("registeredAt")) {
      return Optional.empty();
    }
    List<String> changes = new ArrayList<>();
    d.path("changes").forEach(c -> changes.add(c.asText()));
    return Optional.of(
        new LastDeploy(
            d.path("revision").asText(),
            Instant.parse(d.path("registeredAt").asText()),
            d.hasNonNull("previous") ? Optional.of(d.path("previous").asText()) : Optional.empty(),
            changes));
  }

  /** When what opened the session began, as the snapshot recorded it. */
  public Optional<Instant> onset() {
    return snapshot.hasNonNull("onset")
        ? Optional.of(Instant.parse(snapshot.path("onset").asText()))
        : Optional.empty();
  }

  private JsonNode data(String part) {
    return snapshot.path("parts").path(part).path("data");
  }

  static String shortTask(String arn) {
    return arn.substring(arn.lastIndexOf('/') + 1);
  }
}
