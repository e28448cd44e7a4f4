package dev.sherlock.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sherlock.policy.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** When a metric trigger counts as breached: for its whole window, with no missing period. */
class MetricEvaluationTest {
  private static final Instant NOW = Instant.parse("2026-11-20T10:00:30Z");

  private static MetricSource.Watch watch(
      Optional<Double> above, Optional<Trigger.Metric.Baseline> baseline, Duration forDuration) {
    var metric =
        new Trigger.Metric(
            "AWS/ECS",
            "CPUUtilization",
            Optional.of("Average"),
            Map.of(),
            Optional.empty(),
            above,
            Optional.empty(),
            baseline,
            Optional.of(forDuration));
    return new MetricSource.Watch("m0", null, metric, null, List.of(), Duration.ofMinutes(1));
  }

  /** One datapoint per minute ending at 09:59, the newest complete minute. */
  private static TreeMap<Instant, Double> minutes(double... values) {
    TreeMap<Instant, Double> points = new TreeMap<>();
    Instant newest = Instant.parse("2026-11-20T09:59:00Z");
    for (int i = 0; i < values.length; i++) {
      points.put(newest.minus(Duration.ofMinutes(values.length - 1 - i)), values[i]);
    }
    return points;
  }

  @Test
  void aBreachMustHoldForTheWholeWindow() {
    var w = watch(Optional.of(80.0), Optional.empty(), Duration.ofMinutes(3));

    assertThat(MetricSource.evaluate(w, minutes(20, 95, 95, 95), NOW)).isPresent();
    assertThat(MetricSource.evaluate(w, minutes(95, 95, 20, 95), NOW)).isEmpty();
    assertThat(MetricSource.evaluate(w, minutes(95, 95), NOW)).as("not long enough yet").isEmpty();
  }

  @Test
  void missingDataIsNotABreach() {
    var w = watch(Optional.of(80.0), Optional.empty(), Duration.ofMinutes(3));
    TreeMap<Instant, Double> gap = minutes(95, 95, 95, 95);
    gap.remove(Instant.parse("2026-11-20T09:58:00Z"));

    assertThat(MetricSource.evaluate(w, gap, NOW)).isEmpty();
  }

  @Test
  void theCurrentIncompletePeriodIsNotJudged() {
    var w = watch(Optional.of(80.0), Optional.empty(), Duration.ofMinutes(1));
    TreeMap<Instant, Double> points = minutes(20);
    points.put(Instant.parse("2026-11-20T10:00:00Z"), 99.0);

    assertThat(MetricSource.evaluate(w, points, NOW)).isEmpty();
  }

  @Test
  void aboveBaselineComparesWithTheAverageBeforeTheWindow() {
    var w =
        watch(
            Optional.empty(),
            Optional.of(new Trigger.Metric.Baseline(3, Duration.ofMinutes(5))),
            Duration.ofMinutes(2));

    assertThat(MetricSource.evaluate(w, minutes(10, 10, 10, 10, 10, 40, 45), NOW))
        .hasValueSatisfying(s -> assertThat(s).contains("above 3 x its 5m average (10.0)"));
    assertThat(MetricSource.evaluate(w, minutes(10, 10, 10, 10, 10, 40, 25), NOW)).isEmpty();
  }
}
