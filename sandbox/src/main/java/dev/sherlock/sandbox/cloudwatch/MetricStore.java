package dev.sherlock.sandbox.cloudwatch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * CloudWatch's metric data: each metric (namespace, name, dimensions) holds datapoints in time
 * order, kept with their raw values where known so that percentiles are real percentiles. Data
 * older than the retention is dropped.
 */
public final class MetricStore {
  /** A metric's identity; dimensions are ordered by name, as CloudWatch treats them as a set. */
  public record MetricId(String namespace, String name, SortedMap<String, String> dimensions) {
    public MetricId {
      dimensions = Collections.unmodifiableSortedMap(new TreeMap<>(dimensions));
    }
  }

  /** What was put at one instant: a value, values with counts, or a statistic set. */
  public record Datapoint(
      Instant timestamp,
      double sampleCount,
      double sum,
      double minimum,
      double maximum,
      List<Double> values,
      Optional<String> unit) {
    public static Datapoint of(Instant timestamp, double value, Optional<String> unit) {
      return new Datapoint(timestamp, 1, value, value, value, List.of(value), unit);
    }
  }

  private static final Duration RETENTION = Duration.ofDays(15);

  /** Listing order: by namespace, name, dimensions. */
  private static final java.util.Comparator<MetricId> ORDER =
      java.util.Comparator.comparing(MetricId::namespace)
          .thenComparing(MetricId::name)
          .thenComparing(m -> m.dimensions().toString());

  // Hashed, not sorted: a fleet's every task has its series, and each datapoint finds its own
  // without comparing dimension maps as text; only a listing sorts.
  private final Map<MetricId, NavigableMap<Instant, List<Datapoint>>> metrics =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Series that come from a recording: what the workload publishes is not mixed into them. */
  private final java.util.Set<MetricId> replayed =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  public void put(MetricId metric, Datapoint datapoint) {
    if (!replayed.contains(metric)) {
      add(metric, datapoint);
    }
  }

  /**
   * A datapoint of a recording: from the first on, the series holds only what the recording says,
   * so that a replay sees the values the controller saw then.
   */
  public void putReplayed(MetricId metric, Datapoint datapoint) {
    if (replayed.add(metric)) {
      metrics.remove(metric);
    }
    add(metric, datapoint);
  }

  private void add(MetricId metric, Datapoint datapoint) {
    metrics
        .computeIfAbsent(metric, m -> new TreeMap<>())
        .computeIfAbsent(datapoint.timestamp(), t -> new ArrayList<>())
        .add(datapoint);
  }

  public List<MetricId> metrics() {
    return metrics.keySet().stream().sorted(ORDER).toList();
  }

  /** The datapoints of a metric in {@code [from, to)}. */
  public List<Datapoint> range(MetricId metric, Instant from, Instant to) {
    NavigableMap<Instant, List<Datapoint>> series = metrics.get(metric);
    if (series == null) {
      return List.of();
    }
    List<Datapoint> result = new ArrayList<>();
    series.subMap(from, true, to, false).values().forEach(result::addAll);
    return result;
  }

  public void prune(Instant now) {
    Instant oldest = now.minus(RETENTION);
    metrics.values().forEach(series -> series.headMap(oldest, false).clear());
  }
}
