package dev.sherlock.aws;

import dev.sherlock.metrics.SherlockMetrics;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sherlock's own count of AWS calls by service, operation and outcome, also exported as metrics.
 */
@Singleton
public final class CallCounter {
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  private final SherlockMetrics metrics;

  public CallCounter(SherlockMetrics metrics) {
    this.metrics = metrics;
  }

  public void record(String service, String operation, String outcome) {
    counts
        .computeIfAbsent(service + " " + operation + " " + outcome, k -> new LongAdder())
        .increment();
    metrics.awsCalls(service, operation, outcome).increment();
  }

  public Map<String, Long> snapshot() {
    Map<String, Long> copy = new TreeMap<>();
    counts.forEach((k, v) -> copy.put(k, v.sum()));
    return copy;
  }
}
