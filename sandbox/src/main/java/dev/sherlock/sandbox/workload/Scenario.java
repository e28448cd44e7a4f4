package dev.sherlock.sandbox.workload;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What is about to go wrong with which service: the faults a test or the demo sets up. Each fault
 * names a cluster and service and, for spikes, a window of time.
 */
public final class Scenario {
  /** One fault on one service. */
  public sealed interface Fault {
    String cluster();

    String service();
  }

  /** Every task of the service is OOM-killed (exit 137) after running for {@code after}. */
  public record OomKill(String cluster, String service, Duration after) implements Fault {}

  /** Every task's essential container crashes (exit 1) after running for {@code after}. */
  public record CrashLoop(String cluster, String service, Duration after, int exitCode)
      implements Fault {}

  /** CPU at {@code percent} from {@code start} for {@code length}. */
  public record CpuSpike(
      String cluster, String service, Instant start, Duration length, double percent)
      implements Fault {}

  /** Latency multiplied by {@code factor} from {@code start} for {@code length}. */
  public record LatencySpike(
      String cluster, String service, Instant start, Duration length, double factor)
      implements Fault {}

  /**
   * By "cluster/service": every running task asks for its service's faults on every step of the
   * world, and a fleet benchmark has 100,000 tasks and a fault on each of thousands of services.
   */
  private final Map<String, List<Fault>> faults = new ConcurrentHashMap<>();

  private static String key(String cluster, String service) {
    return cluster + "/" + service;
  }

  public Scenario add(Fault fault) {
    faults
        .computeIfAbsent(key(fault.cluster(), fault.service()), k -> new CopyOnWriteArrayList<>())
        .add(fault);
    return this;
  }

  public void clear(String cluster, String service) {
    faults.remove(key(cluster, service));
  }

  public void clear() {
    faults.clear();
  }

  <T extends Fault> Optional<T> find(Class<T> type, String cluster, String service) {
    List<Fault> ofService = faults.get(key(cluster, service));
    if (ofService == null) {
      return Optional.empty();
    }
    return ofService.stream().filter(type::isInstance).map(type::cast).findFirst();
  }

  double cpuOverride(String cluster, String service, Instant now, double base) {
    return find(CpuSpike.class, cluster, service)
        .filter(s -> !now.isBefore(s.start()) && now.isBefore(s.start().plus(s.length())))
        .map(CpuSpike::percent)
        .orElse(base);
  }

  double latencyFactor(String cluster, String service, Instant now) {
    return find(LatencySpike.class, cluster, service)
        .filter(s -> !now.isBefore(s.start()) && now.isBefore(s.start().plus(s.length())))
        .map(LatencySpike::factor)
        .orElse(1.0);
  }
}
