package dev.sherlock.metrics;

import dev.sherlock.finding.FindingKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Sherlock's own metrics, for Prometheus at {@code /metrics}. Every series that can be known in
 * advance is registered at zero at start-up, so dashboards never show gaps: events by detail-type,
 * duplicates, findings by kind, AWS calls of the operations Sherlock makes.
 */
@Singleton
public final class SherlockMetrics {
  static final List<String> EVENT_TYPES =
      List.of("TaskStateChange", "ServiceAction", "DeploymentStateChange");
  static final List<String[]> KNOWN_CALLS =
      List.of(
          new String[] {"ecs", "DescribeServices"},
          new String[] {"ecs", "ListServices"},
          new String[] {"ecs", "ListClusters"},
          new String[] {"ecs", "DescribeTaskDefinition"},
          new String[] {"ecs", "RegisterTaskDefinition"},
          new String[] {"ecs", "DeregisterTaskDefinition"},
          new String[] {"ecs", "UpdateService"},
          new String[] {"ecs", "ListTasks"},
          new String[] {"ecs", "DescribeTasks"},
          new String[] {"sqs", "ReceiveMessage"},
          new String[] {"sqs", "DeleteMessageBatch"},
          new String[] {"monitoring", "GetMetricData"},
          new String[] {"logs", "GetLogEvents"},
          new String[] {"logs", "FilterLogEvents"},
          new String[] {"xray", "GetTraceSummaries"},
          new String[] {"xray", "BatchGetTraces"},
          new String[] {"events", "PutEvents"});

  private final MeterRegistry registry;
  private final Timer reconcile;

  public SherlockMetrics(MeterRegistry registry) {
    this.registry = registry;
    EVENT_TYPES.forEach(t -> events(t));
    duplicates();
    failedDeliveries();
    for (FindingKind kind : FindingKind.values()) {
      finding(kind);
    }
    KNOWN_CALLS.forEach(c -> awsCalls(c[0], c[1], "ok"));
    this.reconcile =
        Timer.builder("sherlock.reconcile.duration")
            .description("Time to reconcile one service")
            .register(registry);
  }

  public Counter events(String type) {
    return Counter.builder("sherlock.events.received")
        .description("ECS events received")
        .tag("type", type)
        .register(registry);
  }

  public Counter duplicates() {
    return Counter.builder("sherlock.events.duplicate")
        .description("Events dropped as duplicate or stale")
        .register(registry);
  }

  /** Deliveries of a message whose handling failed; the message comes back, or goes to the DLQ. */
  public Counter failedDeliveries() {
    return Counter.builder("sherlock.events.failed")
        .description("Deliveries of an event whose handling failed (it is delivered again)")
        .register(registry);
  }

  public Counter finding(FindingKind kind) {
    return Counter.builder("sherlock.findings")
        .description("Findings recorded")
        .tag("kind", kind.name())
        .register(registry);
  }

  public Counter awsCalls(String service, String operation, String outcome) {
    return Counter.builder("sherlock.aws.calls")
        .description("AWS calls by service, operation and outcome")
        .tag("service", service)
        .tag("operation", operation)
        .tag("outcome", outcome)
        .register(registry);
  }

  /** The lease among replicas: {@code acquired} or {@code lost} by this one. */
  public Counter leaseChanges(String change) {
    return Counter.builder("sherlock.lease.changes")
        .description("Times this replica acquired or lost the lease")
        .tag("change", change)
        .register(registry);
  }

  public void reconciled(Duration took) {
    reconcile.record(took);
  }

  /** The calls per second one client-side budget allows now (sherlock.aws.budget.rate). */
  public void budgetRate(String budget, Supplier<Number> rate) {
    Gauge.builder("sherlock.aws.budget.rate", rate)
        .description("Calls per second a client-side budget allows now")
        .tag("budget", budget)
        .register(registry);
  }

  /** Gauges read their value when scraped. */
  public void gauge(String name, String description, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).register(registry);
  }
}
