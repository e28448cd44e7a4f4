package dev.sherlock.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.aws.XRayGateway;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.xray.model.Segment;
import software.amazon.awssdk.services.xray.model.Trace;
import software.amazon.awssdk.services.xray.model.TraceSummary;

/**
 * The {@code traces} part of a snapshot: the slow and failed requests of a service in a window -
 * the X-Ray workshop's {@code responsetime > 1 OR error}, scoped to the service - and for the worst
 * of them the segment tree reduced to where the time went: the longest subsegment (a downstream
 * call, an injected delay), its share of the request, and the error's cause.
 */
@Singleton
public final class TraceCapture {
  /** Slower than this, in seconds, is slow: the workshop's threshold. */
  static final double SLOW_SECONDS = 1.0;

  private static final int MAX_SUMMARIES = 500;
  private static final int WORST = 5;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final XRayGateway xray;

  public TraceCapture(XRayGateway xray) {
    this.xray = xray;
  }

  /** X-Ray's filter for a service's slow or failed requests. */
  static String filter(String xrayService) {
    return "service(\"%s\") AND (responsetime > %s OR error OR fault)"
        .formatted(xrayService.replace("\"", "\\\""), SLOW_SECONDS);
  }

  public ObjectNode capture(String xrayService, Instant from, Instant to) {
    String filter = filter(xrayService);
    List<TraceSummary> summaries = xray.summaries(filter, from, to, MAX_SUMMARIES);
    ObjectNode data =
        JsonNodeFactory.instance
            .objectNode()
            .put("xrayService", xrayService)
            .put("filter", filter)
            .put("from", from.toString())
            .put("to", to.toString())
            .put("matched", summaries.size())
            .put("slow", summaries.stream().filter(TraceCapture::slow).count())
            .put("errors", summaries.stream().filter(s -> isTrue(s.hasError())).count())
            .put("faults", summaries.stream().filter(s -> isTrue(s.hasFault())).count());
    List<TraceSummary> slowest =
        summaries.stream()
            .sorted(Comparator.comparing(TraceCapture::seconds).reversed())
            .limit(WORST)
            .toList();
    List<TraceSummary> failed =
        summaries.stream()
            .filter(s -> isTrue(s.hasError()) || isTrue(s.hasFault()))
            .filter(s -> !slowest.contains(s))
            .limit(WORST)
            .toList();
    Map<String, Trace> traces = new LinkedHashMap<>();
    List<String> ids = new ArrayList<>();
    slowest.forEach(s -> ids.add(s.id()));
    failed.forEach(s -> ids.add(s.id()));
    if (!ids.isEmpty()) {
      xray.traces(ids).forEach(t -> traces.put(t.id(), t));
    }
    ArrayNode slowArray = data.putArray("slowest");
    slowest.forEach(s -> slowArray.add(entry(s, traces.get(s.id()))));
    ArrayNode failedArray = data.putArray("failed");
    failed.forEach(s -> failedArray.add(entry(s, traces.get(s.id()))));
    return data;
  }

  private static ObjectNode entry(TraceSummary summary, Trace trace) {
    ObjectNode entry =
        JsonNodeFactory.instance
            .objectNode()
            .put("id", summary.id())
            .put("seconds", round(seconds(summary)));
    if (summary.http() != null) {
      entry
          .put("method", summary.http().httpMethod())
          .put("url", summary.http().httpURL())
          .put("status", summary.http().httpStatus());
    }
    if (trace == null) {
      entry.put("segments", "X-Ray no longer has this trace");
      return entry;
    }
    List<JsonNode> documents = new ArrayList<>();
    for (Segment segment : trace.segments()) {
      try {
        documents.add(JSON.readTree(segment.document()));
      } catch (Exception e) {
        // A segment X-Ray stored but no one can parse tells nothing: the others still do.
      }
    }
    where(documents, seconds(summary))
        .ifPresent(
            w ->
                entry
                    .putObject("where")
                    .put("name", w.name)
                    .put("namespace", w.namespace)
                    .put("seconds", round(w.seconds))
                    .put("share", Math.round(w.share * 100)));
    cause(documents).ifPresent(c -> entry.put("cause", c));
    return entry;
  }

  private record Where(String name, String namespace, double seconds, double share) {}

  /** The longest subsegment anywhere in the trace's segments: where the request's time went. */
  static Optional<Where> where(List<JsonNode> segments, double total) {
    Where longest = null;
    List<JsonNode> todo = new ArrayList<>();
    segments.forEach(s -> todo.addAll(list(s.path("subsegments"))));
    while (!todo.isEmpty()) {
      JsonNode sub = todo.removeLast();
      double seconds = sub.path("end_time").asDouble() - sub.path("start_time").asDouble();
      if (longest == null || seconds > longest.seconds) {
        longest =
            new Where(
                sub.path("name").asText("?"),
                sub.path("namespace").asText("local"),
                seconds,
                total <= 0 ? 0 : Math.min(1, seconds / total));
      }
      todo.addAll(list(sub.path("subsegments")));
    }
    return Optional.ofNullable(longest);
  }

  /** The first exception message of a segment or subsegment that failed, with its name. */
  static Optional<String> cause(List<JsonNode> segments) {
    List<JsonNode> todo = new ArrayList<>(segments);
    while (!todo.isEmpty()) {
      JsonNode node = todo.removeFirst();
      for (JsonNode exception : node.path("cause").path("exceptions")) {
        String message = exception.path("message").asText("");
        if (!message.isEmpty()) {
          String type = exception.path("type").asText("");
          return Optional.of(
              "%s: %s%s"
                  .formatted(
                      node.path("name").asText("?"), type.isEmpty() ? "" : type + ": ", message));
        }
      }
      todo.addAll(list(node.path("subsegments")));
    }
    return Optional.empty();
  }

  private static List<JsonNode> list(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    return out;
  }

  private static boolean slow(TraceSummary s) {
    return seconds(s) > SLOW_SECONDS;
  }

  private static double seconds(TraceSummary s) {
    return s.responseTime() != null ? s.responseTime() : s.duration() != null ? s.duration() : 0;
  }

  private static boolean isTrue(Boolean b) {
    return Boolean.TRUE.equals(b);
  }

  private static double round(double seconds) {
    return Math.round(seconds * 1000) / 1000.0;
  }
}
