package dev.sherlock.sandbox.faults;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts every API call by service, operation and outcome ({@code ok}, or the error code), so tests
 * and benchmarks can assert how many calls a controller made, e.g. that duplicated events caused no
 * extra RegisterTaskDefinition.
 */
public final class CallLedger {
  /** One counted kind of call. */
  public record Key(String service, String operation, String outcome) {}

  private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();

  public void record(String service, String operation, String outcome) {
    counts.computeIfAbsent(new Key(service, operation, outcome), k -> new LongAdder()).increment();
  }

  /** Calls of one operation with any outcome. */
  public long count(String service, String operation) {
    return counts.entrySet().stream()
        .filter(e -> e.getKey().service().equals(service))
        .filter(e -> e.getKey().operation().equals(operation))
        .mapToLong(e -> e.getValue().sum())
        .sum();
  }

  public long count(String service, String operation, String outcome) {
    LongAdder adder = counts.get(new Key(service, operation, outcome));
    return adder == null ? 0 : adder.sum();
  }

  /** Calls of one service that succeeded, by operation. */
  public Map<String, Long> successes(String service) {
    Map<String, Long> ops = new TreeMap<>();
    counts.forEach(
        (k, v) -> {
          if (k.service().equals(service) && k.outcome().equals("ok")) {
            ops.merge(k.operation(), v.sum(), Long::sum);
          }
        });
    return ops;
  }

  /** Everything, ordered, for the sandbox's HTTP view and for reports. */
  public Map<Key, Long> snapshot() {
    Map<Key, Long> copy =
        new TreeMap<>(
            java.util.Comparator.comparing(Key::service)
                .thenComparing(Key::operation)
                .thenComparing(Key::outcome));
    counts.forEach((k, v) -> copy.put(k, v.sum()));
    return copy;
  }

  public void reset() {
    counts.clear();
  }
}
