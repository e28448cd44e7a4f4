package dev.sherlock.sandbox.cloudwatch;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The statistic of a period's datapoints, as GetMetricData's {@code Stat} names it. */
final class Statistics {
  private static final Pattern PERCENTILE = Pattern.compile("p(\\d{1,2}(\\.\\d+)?|100)");

  private Statistics() {}

  static boolean isValid(String stat) {
    return switch (stat) {
      case "SampleCount", "Average", "Sum", "Minimum", "Maximum" -> true;
      default -> PERCENTILE.matcher(stat).matches();
    };
  }

  static OptionalDouble of(String stat, List<MetricStore.Datapoint> points) {
    if (points.isEmpty()) {
      return OptionalDouble.empty();
    }
    double count = 0;
    double sum = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    List<Double> values = new ArrayList<>();
    for (MetricStore.Datapoint p : points) {
      count += p.sampleCount();
      sum += p.sum();
      min = Math.min(min, p.minimum());
      max = Math.max(max, p.maximum());
      if (p.values().isEmpty()) {
        values.add(
            p.sampleCount() == 0
                ? 0
                : p.sum() / p.sampleCount()); // a statistic set: its mean stands in
      } else {
        values.addAll(p.values());
      }
    }
    return switch (stat) {
      case "SampleCount" -> OptionalDouble.of(count);
      case "Sum" -> OptionalDouble.of(sum);
      case "Minimum" -> OptionalDouble.of(min);
      case "Maximum" -> OptionalDouble.of(max);
      case "Average" -> OptionalDouble.of(count == 0 ? 0 : sum / count);
      default -> percentile(stat, values);
    };
  }

  /** Nearest-rank percentile over the raw values. */
  private static OptionalDouble percentile(String stat, List<Double> values) {
    Matcher m = PERCENTILE.matcher(stat);
    if (!m.matches()) {
      return OptionalDouble.empty();
    }
    double p = Double.parseDouble(m.group(1));
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return OptionalDouble.of(sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1))));
  }
}
