package dev.sherlock.workbench.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.source.Recorder;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a replay feeds through the policies: events at the times they were received and metric
 * datapoints with their own timestamps. Read from a {@code sherlock run --record} file, or from
 * events exported elsewhere: JSON lines of EventBridge events, a JSON array of them, or what {@code
 * aws sqs receive-message} prints ({@code {"Messages": [{"Body": "..."}]}}), each event timed by
 * its {@code time}; and what people did, from CloudTrail - a log file ({@code {"Records": [...]}}),
 * what {@code aws cloudtrail lookup-events} prints ({@code {"Events": [{"CloudTrailEvent":
 * "..."}]}}), or records as JSON lines - each call as EventBridge delivers it ({@value #API_CALL}),
 * timed by its {@code eventTime}.
 *
 * @param started when the recording started (else a minute before its first event)
 */
public record Recording(Instant started, List<Event> events, List<Datapoint> datapoints) {
  /** The detail-type of a CloudTrail record as EventBridge delivers it. */
  public static final String API_CALL = "AWS API Call via CloudTrail";

  /** The longest file a replay reads. */
  static final long MAX_BYTES = 256L * 1024 * 1024;

  /** An event, as received at {@code at}. */
  public record Event(Instant at, ObjectNode body) {}

  /** One datapoint of a metric the controller read. */
  public record Datapoint(
      String namespace, String name, Map<String, String> dimensions, Instant at, double value) {}

  /** A line (or the file, line 1) that is not what a recording holds. */
  public static final class ReadException extends Exception {
    public ReadException(String message) {
      super(message);
    }
  }

  /** The last moment of the recording: its newest event or datapoint. */
  public Instant end() {
    Instant end = started;
    for (Event e : events) {
      end = e.at().isAfter(end) ? e.at() : end;
    }
    for (Datapoint d : datapoints) {
      end = d.at().isAfter(end) ? d.at() : end;
    }
    return end;
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * @throws ReadException with {@code file:line: error: ...} for the first line that is neither
   */
  public static Recording read(Path file) throws ReadException {
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new ReadException(
            "%s:1: error: larger than %d MiB".formatted(file, MAX_BYTES / 1024 / 1024));
      }
      String first;
      try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        first = in.readLine();
      }
      if (first == null) {
        throw new ReadException("%s:1: error: empty: no events to replay".formatted(file));
      }
      Builder builder = new Builder(file);
      String stripped = first.stripLeading();
      if (stripped.startsWith("[")
          || (stripped.startsWith("{") && !isOneLineObject(first))
          || isExport(first)) {
        JsonNode whole;
        try {
          whole = MAPPER.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new ReadException(
              "%s:%d: error: not JSON: %s"
                  .formatted(
                      file,
                      Math.max(1, e.getLocation() == null ? 1 : e.getLocation().getLineNr()),
                      e.getOriginalMessage()));
        }
        builder.whole(whole);
      } else {
        int n = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            n++;
            if (!line.isBlank()) {
              builder.line(n, line);
            }
          }
        }
      }
      return builder.build();
    } catch (IOException e) {
      throw new ReadException(
          "%s:1: error: cannot read: %s".formatted(file, dev.sherlock.UserError.oneLine(e)));
    }
  }

  /**
   * {@code aws sqs receive-message} or {@code cloudtrail lookup-events} output, or a CloudTrail log
   * file, made compact (jq -c): one line, not JSON lines.
   */
  private static boolean isExport(String line) {
    try {
      JsonNode node = MAPPER.readTree(line);
      return EXPORTS.stream().anyMatch(field -> node.path(field).isArray());
    } catch (IOException e) {
      return false;
    }
  }

  private static final List<String> EXPORTS = List.of("Messages", "Records", "Events");

  /** A CloudTrail record: an API call with its source, name and time. */
  private static boolean isCloudTrailRecord(JsonNode node) {
    return node.hasNonNull("eventSource") && node.hasNonNull("eventName") && node.has("eventTime");
  }

  /** The record as EventBridge delivers it, {@value #API_CALL}. */
  static ObjectNode apiCallEvent(JsonNode record) {
    ObjectNode event = MAPPER.createObjectNode();
    event.put("version", "0");
    event.put("id", record.path("eventID").asText(""));
    event.put("detail-type", API_CALL);
    event.put("source", "aws." + record.path("eventSource").asText().split("\\.")[0]);
    event.put("account", record.path("recipientAccountId").asText(""));
    event.put("time", record.path("eventTime").asText());
    event.put("region", record.path("awsRegion").asText(""));
    event.putArray("resources");
    event.set("detail", record);
    return event;
  }

  private static boolean isOneLineObject(String line) {
    try {
      return MAPPER.readTree(line).isObject();
    } catch (IOException e) {
      return false;
    }
  }

  private static final class Builder {
    private final Path file;
    private Optional<Instant> started = Optional.empty();
    private final List<Event> events = new ArrayList<>();
    private final List<Datapoint> datapoints = new ArrayList<>();

    Builder(Path file) {
      this.file = file;
    }

    void line(int n, String text) throws ReadException {
      JsonNode node;
      try {
        node = MAPPER.readTree(text);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw error(n, "not JSON: " + e.getOriginalMessage());
      } catch (IOException e) {
        throw error(n, "not JSON: " + dev.sherlock.UserError.oneLine(e));
      }
      if (!(node instanceof ObjectNode object)) {
        throw error(n, "expected a JSON object per line");
      }
      switch (object.path("type").asText()) {
        case "recording" -> {
          if (object.path("version").asInt() != Recorder.VERSION) {
            throw error(
                n,
                "a recording of version %s; this sherlock reads version %d"
                    .formatted(object.path("version").asText("?"), Recorder.VERSION));
          }
          // A restart appends a header: the recording started with the first.
          Instant at = time(n, object, "started");
          started = Optional.of(started.filter(s -> s.isBefore(at)).orElse(at));
        }
        case "event" -> {
          if (!(object.get("event") instanceof ObjectNode event)) {
            throw error(n, "an event line without its event");
          }
          events.add(new Event(time(n, object, "at"), event));
        }
        case "metric" -> metric(n, object);
        default -> {
          if (isCloudTrailRecord(object)) {
            events.add(new Event(time(n, object, "eventTime"), apiCallEvent(object)));
            return;
          }
          if (!object.has("detail-type")) {
            throw error(
                n, "neither a line of a recording, an EventBridge event nor a CloudTrail record");
          }
          events.add(new Event(time(n, object, "time"), object));
        }
      }
    }

    private void metric(int n, ObjectNode line) throws ReadException {
      Map<String, String> dimensions = new TreeMap<>();
      line.path("dimensions")
          .fields()
          .forEachRemaining(f -> dimensions.put(f.getKey(), f.getValue().asText()));
      String namespace = line.path("namespace").asText();
      String name = line.path("name").asText();
      if (namespace.isEmpty() || name.isEmpty()) {
        throw error(n, "a metric line without its namespace and name");
      }
      for (JsonNode point : line.path("points")) {
        if (!point.isArray() || point.size() != 2 || !point.get(1).isNumber()) {
          throw error(n, "a metric point is [time, value]");
        }
        try {
          Instant at = Instant.parse(point.get(0).asText());
          datapoints.add(new Datapoint(namespace, name, dimensions, at, point.get(1).asDouble()));
        } catch (DateTimeParseException e) {
          throw error(n, "a metric point's time is not an ISO-8601 instant");
        }
      }
    }

    /**
     * A whole JSON file: an array of events, {@code aws sqs receive-message} or {@code aws
     * cloudtrail lookup-events} output, or a CloudTrail log file.
     */
    void whole(JsonNode root) throws ReadException {
      JsonNode items =
          root.isArray()
              ? root
              : EXPORTS.stream().map(root::path).filter(JsonNode::isArray).findFirst().orElse(null);
      if (items == null) {
        throw error(
            1,
            "expected JSON lines, an array of events, {\"Messages\": [...]}, {\"Records\":"
                + " [...]} or {\"Events\": [...]}");
      }
      for (JsonNode item : items) {
        JsonNode event = item;
        for (String wrapped : List.of("Body", "CloudTrailEvent")) {
          if (item.has(wrapped)) {
            try {
              event = MAPPER.readTree(item.path(wrapped).asText());
            } catch (IOException e) {
              throw error(1, "a %s that is not JSON".formatted(wrapped));
            }
          }
        }
        if (isCloudTrailRecord(event)) {
          events.add(new Event(time(1, event, "eventTime"), apiCallEvent(event)));
          continue;
        }
        if (!(event instanceof ObjectNode object) || !object.has("detail-type")) {
          throw error(1, "an item that is not an EventBridge event");
        }
        events.add(new Event(time(1, object, "time"), object));
      }
    }

    private Instant time(int n, JsonNode node, String field) throws ReadException {
      try {
        return Instant.parse(node.path(field).asText());
      } catch (DateTimeParseException e) {
        throw error(n, "'%s' is not an ISO-8601 instant".formatted(field));
      }
    }

    private ReadException error(int n, String message) {
      return new ReadException("%s:%d: error: %s".formatted(file, n, message));
    }

    Recording build() throws ReadException {
      if (events.isEmpty() && datapoints.isEmpty()) {
        throw error(1, "no events or metric datapoints to replay");
      }
      events.sort(Comparator.comparing(Event::at));
      Instant first = events.isEmpty() ? datapoints.getFirst().at() : events.getFirst().at();
      return new Recording(
          started.orElse(first.minusSeconds(60)), List.copyOf(events), List.copyOf(datapoints));
    }
  }
}
