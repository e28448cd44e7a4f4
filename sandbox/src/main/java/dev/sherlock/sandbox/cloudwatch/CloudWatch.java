package dev.sherlock.sandbox.cloudwatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.sandbox.cloudwatch.MetricStore.Datapoint;
import dev.sherlock.sandbox.cloudwatch.MetricStore.MetricId;
import dev.sherlock.sandbox.http.AwsException;
import dev.sherlock.sandbox.http.Json;
import dev.sherlock.sandbox.http.JsonApi;
import dev.sherlock.sandbox.http.Pagination;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * Amazon CloudWatch metrics: PutMetricData, GetMetricData (up to 500 queries, any statistic
 * including percentiles, newest first, paginated by datapoints) and ListMetrics. Requests and
 * responses use the model's PascalCase member names; the wire (CBOR, JSON 1.0 or query) is the
 * server's business. Error codes are the query-compatible ones ({@code InvalidParameterValue}).
 */
public final class CloudWatch implements JsonApi {
  public static final String SERVICE = "monitoring";
  private static final int MAX_QUERIES = 500;
  private static final int DEFAULT_MAX_DATAPOINTS = 100_800;

  private final MetricStore store;
  private final Clock clock;

  public CloudWatch(MetricStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  @Override
  public String serviceName() {
    return SERVICE;
  }

  public MetricStore store() {
    return store;
  }

  @Override
  public String errorType(String code) {
    return shapeOf(code);
  }

  @Override
  public boolean queryCompatible() {
    return true;
  }

  /** The shape name the SDK maps a query-compatible error code to. */
  public static String shapeOf(String code) {
    return switch (code) {
      case "InvalidParameterValue" -> "InvalidParameterValueException";
      case "MissingParameter" -> "MissingRequiredParameterException";
      case "InvalidParameterCombination" -> "InvalidParameterCombinationException";
      case "InternalServiceError" -> "InternalServiceFault";
      case "LimitExceeded" -> "LimitExceededFault";
      case "ResourceNotFound" -> "ResourceNotFoundException";
      default -> code;
    };
  }

  /** GetMetricStatistics' limit on the datapoints one request may ask for. */
  private static final long MAX_STATISTICS_DATAPOINTS = 1440;

  @Override
  public JsonNode handle(String operation, JsonNode request) {
    return switch (operation) {
      case "PutMetricData" -> putMetricData(request);
      case "GetMetricData" -> getMetricData(request);
      case "GetMetricStatistics" -> getMetricStatistics(request);
      case "ListMetrics" -> listMetrics(request);
      default ->
          throw new AwsException(
              "InvalidAction", 400, "The sandbox does not implement CloudWatch " + operation);
    };
  }

  private JsonNode putMetricData(JsonNode request) {
    String namespace = required(request, "Namespace");
    if (namespace.startsWith("AWS/")) {
      throw invalid(
          "The value AWS/ for parameter Namespace is invalid: AWS/ is reserved for AWS services.");
    }
    put(namespace, request.path("MetricData"));
    return Json.object();
  }

  /** Stores metric data; AWS services' own namespaces are allowed here (the simulator uses it). */
  public void put(String namespace, JsonNode metricData) {
    if (!metricData.isArray() || metricData.isEmpty() || metricData.size() > 1000) {
      throw invalid("MetricData must contain between 1 and 1000 items.");
    }
    Instant now = clock.instant();
    for (JsonNode datum : metricData) {
      MetricId id =
          new MetricId(
              namespace, required(datum, "MetricName"), dimensions(datum.path("Dimensions")));
      Instant timestamp = datum.has("Timestamp") ? Json.instant(datum.get("Timestamp")) : now;
      Optional<String> unit = Json.text(datum, "Unit");
      if (datum.has("Value")) {
        store.put(id, Datapoint.of(timestamp, datum.path("Value").asDouble(), unit));
      } else if (datum.has("Values")) {
        JsonNode counts = datum.path("Counts");
        for (int i = 0; i < datum.path("Values").size(); i++) {
          double value = datum.path("Values").get(i).asDouble();
          int count = counts.has(i) ? (int) counts.get(i).asDouble() : 1;
          for (int c = 0; c < count; c++) {
            store.put(id, Datapoint.of(timestamp, value, unit));
          }
        }
      } else if (datum.has("StatisticValues")) {
        JsonNode s = datum.path("StatisticValues");
        store.put(
            id,
            new Datapoint(
                timestamp,
                s.path("SampleCount").asDouble(),
                s.path("Sum").asDouble(),
                s.path("Minimum").asDouble(),
                s.path("Maximum").asDouble(),
                List.of(),
                unit));
      } else {
        throw new AwsException(
            "MissingParameter", 400, "One of Value, Values or StatisticValues must be given.");
      }
    }
  }

  private JsonNode getMetricData(JsonNode request) {
    JsonNode queries = request.path("MetricDataQueries");
    if (!queries.isArray() || queries.isEmpty() || queries.size() > MAX_QUERIES) {
      throw invalid(
          "The collection MetricDataQueries must not be empty and must not have more than 500 items.");
    }
    Instant start = Json.instant(requiredNode(request, "StartTime"));
    Instant end = Json.instant(requiredNode(request, "EndTime"));
    if (!start.isBefore(end)) {
      throw invalid("The parameter StartTime must be less than the parameter EndTime.");
    }
    boolean ascending =
        Json.text(request, "ScanBy").orElse("TimestampDescending").equals("TimestampAscending");
    int maxDatapoints =
        request.has("MaxDatapoints")
            ? request.path("MaxDatapoints").asInt()
            : DEFAULT_MAX_DATAPOINTS;
    int skip = Json.text(request, "NextToken").map(CloudWatch::offset).orElse(0);

    ObjectNode response = Json.object();
    ArrayNode results = response.putArray("MetricDataResults");
    response.putArray("Messages");
    int emitted = 0;
    int seen = 0;
    boolean truncated = false;
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (JsonNode query : queries) {
      String id = required(query, "Id");
      if (!id.matches("[a-z][a-zA-Z0-9_]*") || !ids.add(id)) {
        throw invalid(
            "The value %s for parameter MetricDataQueries.Id is invalid: it must start with a lower-case letter and be unique."
                .formatted(id));
      }
      if (query.has("ReturnData") && !query.path("ReturnData").asBoolean(true)) {
        continue;
      }
      ObjectNode result = results.addObject().put("Id", id);
      ArrayNode timestamps = result.putArray("Timestamps");
      ArrayNode values = result.putArray("Values");
      result.putArray("Messages");
      if (!query.has("MetricStat")) {
        result.put("Label", query.path("Label").asText(id)).put("StatusCode", "InternalError");
        ((ArrayNode) result.path("Messages"))
            .addObject()
            .put("Code", "Unsupported")
            .put("Value", "The sandbox evaluates MetricStat queries only, not expressions.");
        continue;
      }
      JsonNode stat = query.path("MetricStat");
      JsonNode metric = stat.path("Metric");
      MetricId metricId =
          new MetricId(
              required(metric, "Namespace"),
              required(metric, "MetricName"),
              dimensions(metric.path("Dimensions")));
      long period = stat.path("Period").asLong(0);
      if (period < 1 || (period >= 60 && period % 60 != 0) || (period < 60 && 60 % period != 0)) {
        throw invalid(
            "The parameter MetricDataQueries.member.Period must be 1, 5, 10, 20, 30, 60, or any multiple of 60.");
      }
      String statistic = required(stat, "Stat");
      if (!Statistics.isValid(statistic)) {
        throw invalid(
            "The value %s for parameter MetricDataQueries.member.MetricStat.Stat is invalid."
                .formatted(statistic));
      }
      result.put("Label", query.path("Label").asText(metricId.name()));
      List<Bucket> buckets = buckets(metricId, start, end, period, statistic);
      if (!ascending) {
        java.util.Collections.reverse(buckets);
      }
      boolean complete = true;
      for (Bucket bucket : buckets) {
        if (seen++ < skip) {
          continue;
        }
        if (emitted == maxDatapoints) {
          complete = false;
          truncated = true;
          break;
        }
        timestamps.add(Json.epochSeconds(bucket.start()));
        values.add(bucket.value());
        emitted++;
      }
      result.put("StatusCode", complete ? "Complete" : "PartialData");
    }
    if (truncated) {
      response.put("NextToken", token(skip + emitted));
    }
    return response;
  }

  private record Bucket(Instant start, double value) {}

  /** A metric's datapoints in {@code [start, end)}, by the start of their period, oldest first. */
  private Map<Long, List<Datapoint>> byPeriod(
      MetricId metric, Instant start, Instant end, long period) {
    long from = Math.floorDiv(start.getEpochSecond(), period) * period;
    List<Datapoint> points = store.range(metric, Instant.ofEpochSecond(from), end);
    Map<Long, List<Datapoint>> byBucket = new TreeMap<>();
    for (Datapoint p : points) {
      byBucket
          .computeIfAbsent(
              Math.floorDiv(p.timestamp().getEpochSecond(), period) * period,
              b -> new ArrayList<>())
          .add(p);
    }
    return byBucket;
  }

  private List<Bucket> buckets(
      MetricId metric, Instant start, Instant end, long period, String statistic) {
    Map<Long, List<Datapoint>> byBucket = byPeriod(metric, start, end, period);
    List<Bucket> buckets = new ArrayList<>();
    byBucket.forEach(
        (bucketStart, data) -> {
          OptionalDouble value = Statistics.of(statistic, data);
          if (value.isPresent()) {
            buckets.add(new Bucket(Instant.ofEpochSecond(bucketStart), value.getAsDouble()));
          }
        });
    return buckets;
  }

  /**
   * The older read, which the AWS CLI's {@code get-metric-statistics} makes: one metric, the
   * statistics and percentiles asked for, per period, at most 1,440 datapoints.
   */
  private JsonNode getMetricStatistics(JsonNode request) {
    MetricId metric =
        new MetricId(
            required(request, "Namespace"),
            required(request, "MetricName"),
            dimensions(request.path("Dimensions")));
    Instant start = Json.instant(requiredNode(request, "StartTime"));
    Instant end = Json.instant(requiredNode(request, "EndTime"));
    if (!start.isBefore(end)) {
      throw invalid("The parameter StartTime must be less than the parameter EndTime.");
    }
    long period = request.path("Period").asLong(0);
    if (period < 1 || (period >= 60 && period % 60 != 0) || (period < 60 && 60 % period != 0)) {
      throw invalid("The parameter Period must be 1, 5, 10, 20, 30, 60, or any multiple of 60.");
    }
    List<String> statistics = Json.texts(request, "Statistics");
    List<String> extended = Json.texts(request, "ExtendedStatistics");
    if (statistics.isEmpty() == extended.isEmpty()) {
      throw new AwsException(
          "InvalidParameterCombination",
          400,
          "Must specify either Statistics or ExtendedStatistics, but not both.");
    }
    for (String statistic : statistics) {
      if (!Statistics.isValid(statistic) || statistic.startsWith("p")) {
        throw invalid("The value %s for parameter Statistics is invalid.".formatted(statistic));
      }
    }
    for (String percentile : extended) {
      if (!percentile.startsWith("p") || !Statistics.isValid(percentile)) {
        throw invalid(
            "The value %s for parameter ExtendedStatistics is invalid.".formatted(percentile));
      }
    }
    long requested = (Duration.between(start, end).getSeconds() + period - 1) / period;
    if (requested > MAX_STATISTICS_DATAPOINTS) {
      throw invalid(
          "You have requested up to %d datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested by increasing Period, or decreasing the time range."
              .formatted(requested));
    }
    ObjectNode response = Json.object().put("Label", metric.name());
    ArrayNode datapoints = response.putArray("Datapoints");
    byPeriod(metric, start, end, period)
        .forEach(
            (bucketStart, data) -> {
              ObjectNode point = datapoints.addObject();
              point.set("Timestamp", Json.epochSeconds(Instant.ofEpochSecond(bucketStart)));
              for (String statistic : statistics) {
                Statistics.of(statistic, data).ifPresent(v -> point.put(statistic, v));
              }
              if (!extended.isEmpty()) {
                ObjectNode percentiles = point.putObject("ExtendedStatistics");
                for (String percentile : extended) {
                  Statistics.of(percentile, data).ifPresent(v -> percentiles.put(percentile, v));
                }
              }
              point.put("Unit", data.getFirst().unit().orElse("None"));
            });
    return response;
  }

  private JsonNode listMetrics(JsonNode request) {
    Optional<String> namespace = Json.text(request, "Namespace");
    Optional<String> name = Json.text(request, "MetricName");
    List<JsonNode> filters = new ArrayList<>();
    request.path("Dimensions").forEach(filters::add);
    List<MetricId> matching = new ArrayList<>();
    for (MetricId id : store.metrics()) {
      boolean ok =
          namespace.map(id.namespace()::equals).orElse(true)
              && name.map(id.name()::equals).orElse(true)
              && filters.stream()
                  .allMatch(
                      f ->
                          id.dimensions().containsKey(f.path("Name").asText())
                              && (!f.has("Value")
                                  || f.path("Value")
                                      .asText()
                                      .equals(id.dimensions().get(f.path("Name").asText()))));
      if (ok) {
        matching.add(id);
      }
    }
    Pagination.Page<MetricId> page;
    try {
      page = Pagination.page(matching, Optional.empty(), Json.text(request, "NextToken"), 500, 500);
    } catch (AwsException e) {
      throw new AwsException(
          "InvalidNextToken",
          400,
          "The service couldn't process your request because the NextToken is invalid.");
    }
    ObjectNode response = Json.object();
    ArrayNode metrics = response.putArray("Metrics");
    for (MetricId id : page.items()) {
      ObjectNode m =
          metrics.addObject().put("Namespace", id.namespace()).put("MetricName", id.name());
      ArrayNode dims = m.putArray("Dimensions");
      id.dimensions().forEach((k, v) -> dims.addObject().put("Name", k).put("Value", v));
    }
    page.nextToken().ifPresent(t -> response.put("NextToken", t));
    return response;
  }

  private static TreeMap<String, String> dimensions(JsonNode dimensions) {
    TreeMap<String, String> map = new TreeMap<>();
    dimensions.forEach(d -> map.put(d.path("Name").asText(), d.path("Value").asText()));
    if (map.size() > 30) {
      throw invalid("A metric can have at most 30 dimensions.");
    }
    return map;
  }

  private static String required(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull() || value.asText().isEmpty()) {
      throw new AwsException(
          "MissingParameter", 400, "The parameter %s is required.".formatted(field));
    }
    return value.asText();
  }

  private static JsonNode requiredNode(JsonNode node, String field) {
    required(node, field);
    return node.get(field);
  }

  private static AwsException invalid(String message) {
    return new AwsException("InvalidParameterValue", 400, message);
  }

  private static String token(int offset) {
    return java.util.Base64.getUrlEncoder().encodeToString(("datapoints:" + offset).getBytes());
  }

  private static int offset(String token) {
    try {
      String text = new String(java.util.Base64.getUrlDecoder().decode(token));
      return Integer.parseInt(text.substring("datapoints:".length()));
    } catch (RuntimeException e) {
      throw new AwsException(
          "InvalidNextToken",
          400,
          "The service couldn't process your request because the NextToken is invalid.");
    }
  }
}
