package dev.sherlock.trigger;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.aws.CloudWatchGateway;
import dev.sherlock.finding.Findings;
import dev.sherlock.ha.Leadership;
import dev.sherlock.policy.DebugPolicy;
import dev.sherlock.policy.Durations;
import dev.sherlock.policy.Trigger;
import dev.sherlock.reconcile.ServiceArns;
import dev.sherlock.source.PolicySource;
import dev.sherlock.source.Recorder;
import dev.sherlock.source.ServiceCache;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * Polls every metric the policies' {@code metric} triggers watch, for every service they select,
 * with as few GetMetricData calls as the 500-query limit allows, once per period (aligned to it). A
 * trigger fires when its breach has held for {@code for}: every period in that window has a
 * datapoint and every datapoint breaches - missing data is not a breach. It fires once per episode:
 * it must clear before it can fire again.
 */
@Singleton
public final class MetricSource {
  private static final Logger LOG = LoggerFactory.getLogger(MetricSource.class);
  private static final List<String> SERVICE_NAMESPACES =
      List.of("AWS/ECS", "ECS/ContainerInsights");

  /** One watched metric of one trigger of one policy on one service. */
  record Watch(
      String id,
      DebugPolicy policy,
      Trigger.Metric trigger,
      Service service,
      List<Dimension> dimensions,
      Duration period) {}

  private final PolicySource policies;
  private final ServiceCache services;
  private final CloudWatchGateway cloudWatch;
  private final TriggerEngine triggers;
  private final Leadership leadership;
  private final Clock clock;
  private final Recorder recorder;
  private final Set<String> breaching = new HashSet<>();
  private volatile Instant nextPoll = Instant.MIN;

  public MetricSource(
      PolicySource policies,
      ServiceCache services,
      CloudWatchGateway cloudWatch,
      TriggerEngine triggers,
      Leadership leadership,
      Clock clock,
      Recorder recorder) {
    this.leadership = leadership;
    this.recorder = recorder;
    this.policies = policies;
    this.services = services;
    this.cloudWatch = cloudWatch;
    this.triggers = triggers;
    this.clock = clock;
  }

  /** Polls when due; returns whether it polled. Called often by the controller's loop. */
  public boolean pollIfDue() {
    Instant now = clock.instant();
    if (now.isBefore(nextPoll)) {
      return false;
    }
    List<Watch> watches = watches();
    Duration interval =
        watches.stream().map(Watch::period).min(Duration::compareTo).orElse(Duration.ofMinutes(1));
    long step = Math.max(1, interval.toSeconds());
    nextPoll = Instant.ofEpochSecond((now.getEpochSecond() / step + 1) * step);
    if (!watches.isEmpty()) {
      poll(watches, now);
    }
    return true;
  }

  List<Watch> watches() {
    List<Watch> watches = new ArrayList<>();
    int n = 0;
    for (DebugPolicy policy : policies.policies()) {
      for (Trigger trigger : policy.spec().triggers()) {
        if (!(trigger instanceof Trigger.Metric metric)) {
          continue;
        }
        for (Service service : services.all()) {
          if (leadership.actsFor(service.serviceArn())
              && policy
                  .spec()
                  .target()
                  .selects(
                      service.clusterArn(), service.serviceName(), ServiceCache.tags(service))) {
            watches.add(
                new Watch(
                    "m" + n++,
                    policy,
                    metric,
                    service,
                    dimensions(metric, service),
                    metric.periodOrDefault()));
          }
        }
      }
    }
    return watches;
  }

  private void poll(List<Watch> watches, Instant now) {
    Duration lookback = Duration.ZERO;
    List<MetricDataQuery> queries = new ArrayList<>();
    for (Watch w : watches) {
      Duration window = window(w);
      lookback = lookback.compareTo(window) < 0 ? window : lookback;
      queries.add(
          MetricDataQuery.builder()
              .id(w.id())
              .returnData(true)
              .metricStat(
                  s ->
                      s.period((int) w.period().toSeconds())
                          .stat(w.trigger().statistic().orElse(Trigger.Metric.DEFAULT_STATISTIC))
                          .metric(
                              m ->
                                  m.namespace(w.trigger().namespace())
                                      .metricName(w.trigger().name())
                                      .dimensions(w.dimensions())))
              .build());
    }
    Map<String, MetricDataResult> results;
    try {
      results = cloudWatch.getMetricData(queries, now.minus(lookback), now);
    } catch (software.amazon.awssdk.core.exception.AbortedException e) {
      // The poll's thread was interrupted: the controller is stopping, nothing failed.
      LOG.debug("metric poll interrupted");
      return;
    } catch (RuntimeException e) {
      LOG.warn("metric poll failed; next at {}: {}", nextPoll, e.toString());
      return;
    }
    for (Watch w : watches) {
      MetricDataResult result = results.get(w.id());
      if (result != null) {
        record(w, result, now);
      }
      String key = w.policy().name() + "|" + w.service().serviceArn() + "|" + w.trigger();
      Optional<String> breach =
          result == null ? Optional.empty() : evaluate(w, points(result), now);
      if (breach.isEmpty()) {
        breaching.remove(key);
      } else if (breaching.add(key)) {
        triggers.fire(w.policy(), w.trigger(), w.service(), breach.get(), evidence(w, result));
      }
    }
  }

  /**
   * Records the complete periods of what was read: the one still running would be recorded with a
   * value it does not keep.
   */
  private void record(Watch w, MetricDataResult result, Instant now) {
    if (!recorder.recording()) {
      return;
    }
    Map<String, String> dimensions = new TreeMap<>();
    w.dimensions().forEach(d -> dimensions.put(d.name(), d.value()));
    List<Instant> times = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (int i = 0; i < result.timestamps().size(); i++) {
      if (!result.timestamps().get(i).plus(w.period()).isAfter(now)) {
        times.add(result.timestamps().get(i));
        values.add(result.values().get(i));
      }
    }
    recorder.metric(
        w.trigger().namespace(),
        w.trigger().name(),
        dimensions,
        w.trigger().statistic().orElse(Trigger.Metric.DEFAULT_STATISTIC),
        w.period().toSeconds(),
        times,
        values);
  }

  /** How far back a trigger must look: its baseline window, or its breach window, plus a period. */
  private static Duration window(Watch w) {
    Duration forDuration = w.trigger().breachFor();
    Duration baseline =
        w.trigger().aboveBaseline().map(Trigger.Metric.Baseline::over).orElse(Duration.ZERO);
    return forDuration.plus(baseline).plus(w.period().multipliedBy(2));
  }

  /** Datapoints oldest first. */
  private static TreeMap<Instant, Double> points(MetricDataResult result) {
    TreeMap<Instant, Double> points = new TreeMap<>();
    for (int i = 0; i < result.timestamps().size(); i++) {
      points.put(result.timestamps().get(i), result.values().get(i));
    }
    return points;
  }

  static Optional<String> evaluate(Watch w, TreeMap<Instant, Double> points, Instant now) {
    Trigger.Metric t = w.trigger();
    Duration period = w.period();
    Duration forDuration = t.breachFor();
    long needed = Math.max(1, forDuration.toSeconds() / period.toSeconds());
    // The newest complete periods: a bucket is complete once its end has passed.
    List<Map.Entry<Instant, Double>> complete = new ArrayList<>();
    for (var e : points.descendingMap().entrySet()) {
      if (!e.getKey().plus(period).isAfter(now)) {
        complete.add(e);
      }
    }
    if (complete.size() < needed) {
      return Optional.empty();
    }
    List<Map.Entry<Instant, Double>> recent = complete.subList(0, (int) needed);
    Instant oldest = recent.getLast().getKey();
    if (Duration.between(oldest, recent.getFirst().getKey())
            .compareTo(period.multipliedBy(needed - 1))
        > 0) {
      return Optional.empty(); // a gap: missing data is not a breach
    }
    String stat = t.statistic().orElse(Trigger.Metric.DEFAULT_STATISTIC);
    String name = "%s %s %s".formatted(t.namespace(), t.name(), stat);
    if (t.above().isPresent()) {
      double limit = t.above().get();
      return recent.stream().allMatch(e -> e.getValue() > limit)
          ? Optional.of(
              "%s above %s for %s (latest %.3g)"
                  .formatted(
                      name,
                      number(limit),
                      Durations.format(forDuration),
                      recent.getFirst().getValue()))
          : Optional.empty();
    }
    if (t.below().isPresent()) {
      double limit = t.below().get();
      return recent.stream().allMatch(e -> e.getValue() < limit)
          ? Optional.of(
              "%s below %s for %s (latest %.3g)"
                  .formatted(
                      name,
                      number(limit),
                      Durations.format(forDuration),
                      recent.getFirst().getValue()))
          : Optional.empty();
    }
    Trigger.Metric.Baseline baseline = t.aboveBaseline().orElseThrow();
    Instant baselineFrom = oldest.minus(baseline.over());
    double average =
        points.subMap(baselineFrom, true, oldest, false).values().stream()
            .mapToDouble(Double::doubleValue)
            .average()
            .orElse(Double.NaN);
    if (Double.isNaN(average)) {
      return Optional.empty();
    }
    double limit = average * baseline.factor();
    return recent.stream().allMatch(e -> e.getValue() > limit)
        ? Optional.of(
            "%s above %s x its %s average (%.3g) for %s (latest %.3g)"
                .formatted(
                    name,
                    number(baseline.factor()),
                    Durations.format(baseline.over()),
                    average,
                    Durations.format(forDuration),
                    recent.getFirst().getValue()))
        : Optional.empty();
  }

  private static ObjectNode evidence(Watch w, MetricDataResult result) {
    ObjectNode evidence =
        Findings.evidence()
            .put("namespace", w.trigger().namespace())
            .put("metric", w.trigger().name())
            .put("statistic", w.trigger().statistic().orElse(Trigger.Metric.DEFAULT_STATISTIC))
            .put("periodSeconds", w.period().toSeconds());
    ObjectNode dims = evidence.putObject("dimensions");
    w.dimensions().forEach(d -> dims.put(d.name(), d.value()));
    ArrayNode datapoints = evidence.putArray("datapoints");
    for (int i = 0; i < result.timestamps().size(); i++) {
      datapoints
          .addObject()
          .put("time", result.timestamps().get(i).toString())
          .put("value", result.values().get(i));
    }
    return evidence;
  }

  /** Explicit dimensions, or ClusterName and ServiceName for the namespaces that have them. */
  static List<Dimension> dimensions(Trigger.Metric metric, Service service) {
    Map<String, String> dims = new LinkedHashMap<>(metric.dimensions());
    if (dims.isEmpty() && SERVICE_NAMESPACES.contains(metric.namespace())) {
      dims.put("ClusterName", ServiceArns.cluster(service.serviceArn()));
      dims.put("ServiceName", service.serviceName());
    }
    return dims.entrySet().stream()
        .map(e -> Dimension.builder().name(e.getKey()).value(e.getValue()).build())
        .toList();
  }

  private static String number(double value) {
    return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
  }
}
