package dev.sherlock.sandbox.faults;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts every API call by service, operation and outcome ({@code ok}, or the error code), so tests
 * and benchmarks can assert how many calls a controller made, e.g. that duplicated events caused no
 * extra RegisterTaskDefinition; and keeps each call with its time, for benchmarks that need to know
 * when (a rollout's pace, a resync's burst). {@link #reset} starts a measurement afresh.
 */
public final class CallLedger {
  /** One counted kind of call. */
  public record Key(String service, String operation, String outcome) {}

  /**
   * One call at the time the sandbox answered it, with what it was about: the service or the
   * task-definition family it named (empty for calls that name neither).
   */
  public record Entry(Instant at, Key key, String subject) {}

  private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();
  private final Queue<Entry> entries = new ConcurrentLinkedQueue<>();
  private final AtomicLong kept = new AtomicLong();
  private final Clock clock;

  /** Calls kept with their times: enough for the largest benchmark, bounded for a long run. */
  private static final int MAX_ENTRIES = 2_000_000;

  public CallLedger(Clock clock) {
    this.clock = clock;
  }

  public void record(String service, String operation, String outcome) {
    record(service, operation, outcome, "");
  }

  public void record(String service, String operation, String outcome, String subject) {
    Key key = new Key(service, operation, outcome);
    counts.computeIfAbsent(key, k -> new LongAdder()).increment();
    entries.add(new Entry(clock.instant(), key, subject));
    if (kept.incrementAndGet() > MAX_ENTRIES && entries.poll() != null) {
      kept.decrementAndGet(); // a sandbox left running keeps the newest calls, not all of them
    }
  }

  /** The calls answered at or after {@code from}, oldest first. */
  public List<Entry> since(Instant from) {
    return entries.stream().filter(e -> !e.at().isBefore(from)).toList();
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
    entries.clear();
    kept.set(0);
  }
}
