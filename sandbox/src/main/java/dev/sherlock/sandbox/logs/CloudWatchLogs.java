package dev.sherlock.sandbox.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.sandbox.http.AwsException;
import dev.sherlock.sandbox.http.Json;
import dev.sherlock.sandbox.http.JsonApi;
import dev.sherlock.sandbox.http.Pagination;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Amazon CloudWatch Logs over AWS JSON 1.1 ({@code Logs_20140328.*}): log groups, streams,
 * PutLogEvents, GetLogEvents (tail by default, head with startFromHead) and FilterLogEvents with
 * text patterns. Times are epoch milliseconds, as in the Logs API.
 */
public final class CloudWatchLogs implements JsonApi {
  public static final String TARGET_PREFIX = "Logs_20140328";

  /** One stored log event. */
  public record Event(long timestamp, String message, long ingestionTime, long id) {}

  private static final class Stream {
    final String name;
    final long creationTime;
    final List<Event> events = new ArrayList<>();

    Stream(String name, long creationTime) {
      this.name = name;
      this.creationTime = creationTime;
    }
  }

  private static final class Group {
    final String name;
    final long creationTime;
    final Map<String, Stream> streams = new TreeMap<>();

    Group(String name, long creationTime) {
      this.name = name;
      this.creationTime = creationTime;
    }
  }

  private final String region;
  private final String account;
  private final Clock clock;
  private final Map<String, Group> groups = new TreeMap<>();
  private long nextEventId = 1;

  public CloudWatchLogs(String region, String account, Clock clock) {
    this.region = region;
    this.account = account;
    this.clock = clock;
  }

  @Override
  public String serviceName() {
    return "logs";
  }

  @Override
  public JsonNode handle(String operation, JsonNode request) {
    return switch (operation) {
      case "CreateLogGroup" -> createGroup(request);
      case "DeleteLogGroup" -> deleteGroup(request);
      case "DescribeLogGroups" -> describeGroups(request);
      case "CreateLogStream" -> createStream(request);
      case "DescribeLogStreams" -> describeStreams(request);
      case "PutLogEvents" -> putEvents(request);
      case "GetLogEvents" -> getEvents(request);
      case "FilterLogEvents" -> filterEvents(request);
      default ->
          throw new AwsException(
              "UnknownOperationException",
              400,
              "The sandbox does not implement CloudWatch Logs " + operation);
    };
  }

  /** What a container's awslogs driver does: the group and stream appear on first write. */
  public void append(String group, String stream, long timestamp, String message) {
    Group g = groups.computeIfAbsent(group, n -> new Group(n, clock.millis()));
    Stream s = g.streams.computeIfAbsent(stream, n -> new Stream(n, clock.millis()));
    s.events.add(new Event(timestamp, message, clock.millis(), nextEventId++));
  }

  private JsonNode createGroup(JsonNode request) {
    String name = Json.requiredText(request, "logGroupName");
    if (!name.matches("[\\.\\-_/#A-Za-z0-9]{1,512}")) {
      throw AwsException.invalidParameter("Invalid log group name: " + name);
    }
    if (groups.containsKey(name)) {
      throw AwsException.client(
          "ResourceAlreadyExistsException", "The specified log group already exists");
    }
    groups.put(name, new Group(name, clock.millis()));
    return Json.object();
  }

  private JsonNode deleteGroup(JsonNode request) {
    if (groups.remove(Json.requiredText(request, "logGroupName")) == null) {
      throw notFound("The specified log group does not exist.");
    }
    return Json.object();
  }

  private JsonNode describeGroups(JsonNode request) {
    Optional<String> prefix = Json.text(request, "logGroupNamePrefix");
    List<Group> matching =
        groups.values().stream().filter(g -> prefix.map(g.name::startsWith).orElse(true)).toList();
    var page =
        Pagination.page(matching, limit(request, 50), Json.text(request, "nextToken"), 50, 50);
    ObjectNode response = Json.object();
    ArrayNode array = response.putArray("logGroups");
    for (Group g : page.items()) {
      long bytes =
          g.streams.values().stream()
              .flatMap(s -> s.events.stream())
              .mapToLong(e -> e.message().length())
              .sum();
      array
          .addObject()
          .put("logGroupName", g.name)
          .put("creationTime", g.creationTime)
          .put("metricFilterCount", 0)
          .put("arn", "arn:aws:logs:%s:%s:log-group:%s:*".formatted(region, account, g.name))
          .put("logGroupArn", "arn:aws:logs:%s:%s:log-group:%s".formatted(region, account, g.name))
          .put("storedBytes", bytes)
          .put("logGroupClass", "STANDARD");
    }
    page.nextToken().ifPresent(t -> response.put("nextToken", t));
    return response;
  }

  private JsonNode createStream(JsonNode request) {
    Group group = group(request);
    String name = Json.requiredText(request, "logStreamName");
    if (name.contains(":") || name.contains("*") || name.length() > 512) {
      throw AwsException.invalidParameter("Invalid log stream name: " + name);
    }
    if (group.streams.containsKey(name)) {
      throw AwsException.client(
          "ResourceAlreadyExistsException", "The specified log stream already exists");
    }
    group.streams.put(name, new Stream(name, clock.millis()));
    return Json.object();
  }

  private JsonNode describeStreams(JsonNode request) {
    Group group = group(request);
    Optional<String> prefix = Json.text(request, "logStreamNamePrefix");
    boolean byTime = Json.text(request, "orderBy").orElse("LogStreamName").equals("LastEventTime");
    if (byTime && prefix.isPresent()) {
      throw AwsException.invalidParameter(
          "Cannot order by LastEventTime with a logStreamNamePrefix.");
    }
    List<Stream> matching =
        new ArrayList<>(
            group.streams.values().stream()
                .filter(s -> prefix.map(s.name::startsWith).orElse(true))
                .toList());
    if (byTime) {
      matching.sort(Comparator.comparingLong(CloudWatchLogs::lastEventTime));
    }
    if (request.path("descending").asBoolean(false)) {
      java.util.Collections.reverse(matching);
    }
    var page =
        Pagination.page(matching, limit(request, 50), Json.text(request, "nextToken"), 50, 50);
    ObjectNode response = Json.object();
    ArrayNode array = response.putArray("logStreams");
    for (Stream s : page.items()) {
      ObjectNode json =
          array
              .addObject()
              .put("logStreamName", s.name)
              .put("creationTime", s.creationTime)
              .put(
                  "arn",
                  "arn:aws:logs:%s:%s:log-group:%s:log-stream:%s"
                      .formatted(region, account, group.name, s.name))
              .put("storedBytes", 0);
      if (!s.events.isEmpty()) {
        json.put(
                "firstEventTimestamp",
                s.events.stream().mapToLong(Event::timestamp).min().orElse(0))
            .put("lastEventTimestamp", lastEventTime(s))
            .put("lastIngestionTime", s.events.getLast().ingestionTime());
      }
    }
    page.nextToken().ifPresent(t -> response.put("nextToken", t));
    return response;
  }

  private static long lastEventTime(Stream s) {
    return s.events.stream().mapToLong(Event::timestamp).max().orElse(0);
  }

  private JsonNode putEvents(JsonNode request) {
    Stream stream = stream(group(request), Json.requiredText(request, "logStreamName"));
    JsonNode events = request.path("logEvents");
    if (!events.isArray() || events.isEmpty() || events.size() > 10_000) {
      throw AwsException.invalidParameter("logEvents must contain between 1 and 10000 events.");
    }
    long previous = Long.MIN_VALUE;
    for (JsonNode e : events) {
      long timestamp = e.path("timestamp").asLong();
      if (timestamp < previous) {
        throw AwsException.invalidParameter(
            "Log events in a single PutLogEvents request must be in chronological order.");
      }
      previous = timestamp;
    }
    for (JsonNode e : events) {
      stream.events.add(
          new Event(
              e.path("timestamp").asLong(),
              e.path("message").asText(),
              clock.millis(),
              nextEventId++));
    }
    return Json.object().put("nextSequenceToken", Long.toString(nextEventId));
  }

  private JsonNode getEvents(JsonNode request) {
    Stream stream = stream(group(request), Json.requiredText(request, "logStreamName"));
    int limit = request.has("limit") ? request.path("limit").asInt() : 10_000;
    if (limit < 1 || limit > 10_000) {
      throw AwsException.invalidParameter("limit must be between 1 and 10000.");
    }
    List<Event> inRange = sortedInRange(stream.events, request);
    Optional<String> token = Json.text(request, "nextToken");
    boolean fromHead = request.path("startFromHead").asBoolean(false);
    int from;
    int to;
    if (token.isPresent()) {
      int position = position(token.get());
      boolean forward = token.get().startsWith("f/");
      from = forward ? position : Math.max(0, position - limit);
      to = forward ? Math.min(inRange.size(), position + limit) : position;
    } else if (fromHead) {
      from = 0;
      to = Math.min(inRange.size(), limit);
    } else {
      to = inRange.size();
      from = Math.max(0, to - limit);
    }
    ObjectNode response = Json.object();
    ArrayNode array = response.putArray("events");
    for (Event e : inRange.subList(Math.min(from, to), to)) {
      array
          .addObject()
          .put("timestamp", e.timestamp())
          .put("message", e.message())
          .put("ingestionTime", e.ingestionTime());
    }
    response.put("nextForwardToken", "f/%020d".formatted(to));
    response.put("nextBackwardToken", "b/%020d".formatted(from));
    return response;
  }

  private JsonNode filterEvents(JsonNode request) {
    Group group = group(request);
    List<String> names = Json.texts(request, "logStreamNames");
    Optional<String> prefix = Json.text(request, "logStreamNamePrefix");
    if (!names.isEmpty() && prefix.isPresent()) {
      throw AwsException.invalidParameter(
          "logStreamNames and logStreamNamePrefix are mutually exclusive.");
    }
    FilterPattern pattern;
    try {
      pattern = FilterPattern.parse(Json.text(request, "filterPattern").orElse(""));
    } catch (IllegalArgumentException e) {
      throw AwsException.invalidParameter(e.getMessage());
    }
    record Hit(String stream, Event event) {}
    List<Hit> hits = new ArrayList<>();
    for (Stream s : group.streams.values()) {
      if ((names.isEmpty() || names.contains(s.name))
          && prefix.map(s.name::startsWith).orElse(true)) {
        for (Event e : sortedInRange(s.events, request)) {
          if (pattern.matches(e.message())) {
            hits.add(new Hit(s.name, e));
          }
        }
      }
    }
    hits.sort(
        Comparator.comparingLong((Hit h) -> h.event().timestamp())
            .thenComparingLong(h -> h.event().id()));
    int limit = request.has("limit") ? request.path("limit").asInt() : 10_000;
    var page =
        Pagination.page(hits, Optional.of(limit), Json.text(request, "nextToken"), 10_000, 10_000);
    ObjectNode response = Json.object();
    ArrayNode array = response.putArray("events");
    for (Hit hit : page.items()) {
      array
          .addObject()
          .put("logStreamName", hit.stream())
          .put("timestamp", hit.event().timestamp())
          .put("message", hit.event().message())
          .put("ingestionTime", hit.event().ingestionTime())
          .put("eventId", "%056d".formatted(hit.event().id()));
    }
    response.putArray("searchedLogStreams");
    page.nextToken().ifPresent(t -> response.put("nextToken", t));
    return response;
  }

  private static List<Event> sortedInRange(List<Event> events, JsonNode request) {
    long start = request.has("startTime") ? request.path("startTime").asLong() : Long.MIN_VALUE;
    long end = request.has("endTime") ? request.path("endTime").asLong() : Long.MAX_VALUE;
    return events.stream()
        .filter(e -> e.timestamp() >= start && e.timestamp() < end)
        .sorted(Comparator.comparingLong(Event::timestamp).thenComparingLong(Event::id))
        .toList();
  }

  private Group group(JsonNode request) {
    Group group = groups.get(Json.requiredText(request, "logGroupName"));
    if (group == null) {
      throw notFound("The specified log group does not exist.");
    }
    return group;
  }

  private static Stream stream(Group group, String name) {
    Stream stream = group.streams.get(name);
    if (stream == null) {
      throw notFound("The specified log stream does not exist.");
    }
    return stream;
  }

  private static AwsException notFound(String message) {
    return AwsException.client("ResourceNotFoundException", message);
  }

  private static Optional<Integer> limit(JsonNode request, int max) {
    return request.has("limit") ? Optional.of(request.path("limit").asInt()) : Optional.empty();
  }

  private static int position(String token) {
    try {
      return Integer.parseInt(token.substring(2));
    } catch (RuntimeException e) {
      throw AwsException.invalidParameter("The specified nextToken is invalid.");
    }
  }
}
