package dev.sherlock.finding;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.aws.ApiBudgets;
import dev.sherlock.aws.AwsGuard;
import dev.sherlock.aws.CallCounter;
import dev.sherlock.config.SherlockConfig;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * Publishes every finding as an EventBridge event ({@code source: sherlock}, detail-type = the
 * finding's kind) on the bus named by {@code sherlock.findings-bus}, so alerting and chat tools can
 * react. Findings are stored before they get here, so a failed publish loses nothing: entries are
 * sent ten per PutEvents, failed ones retried with backoff a few times, then given up on (and still
 * readable from the API).
 */
@Singleton
public final class FindingPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FindingPublisher.class);
  private static final int BATCH = 10;
  private static final int ATTEMPTS = 5;
  private static final int MAX_DETAIL = 200 * 1024;

  private record Pending(Finding finding, int attempt) {}

  private final Optional<String> bus;
  private final EventBridgeClient events;
  private final AwsGuard guard;
  private final Findings findings;
  private final LinkedBlockingDeque<Pending> queue = new LinkedBlockingDeque<>(10_000);
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private Thread thread;

  public FindingPublisher(
      @Value("${sherlock.findings-bus:}") String bus,
      EventBridgeClient events,
      SherlockConfig config,
      ApiBudgets budgets,
      CallCounter counter,
      Findings findings) {
    this.bus = bus == null || bus.isBlank() ? Optional.empty() : Optional.of(bus);
    this.events = events;
    this.guard = new AwsGuard("events", config.aws(), budgets, counter);
    this.findings = findings;
  }

  public synchronized void start() {
    if (bus.isEmpty() || thread != null) {
      return;
    }
    findings.listen(
        f -> {
          if (!queue.offerLast(new Pending(f, 0))) {
            dropped.incrementAndGet();
          }
        });
    thread = Thread.ofVirtual().name("sherlock-publisher").start(this::run);
  }

  public long published() {
    return published.get();
  }

  private void run() {
    Duration backoff = Duration.ofMillis(500);
    while (!Thread.currentThread().isInterrupted()) {
      try {
        List<Pending> batch = new ArrayList<>();
        Pending first = queue.pollFirst(1, TimeUnit.SECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, BATCH - 1);
        if (send(batch)) {
          backoff = Duration.ofMillis(500);
        } else {
          Thread.sleep(backoff); // EventBridge is failing: give it room before the retry
          backoff =
              backoff.multipliedBy(2).compareTo(Duration.ofMinutes(1)) > 0
                  ? Duration.ofMinutes(1)
                  : backoff.multipliedBy(2);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Sends one batch; requeues what failed. Returns whether everything went through. */
  private boolean send(List<Pending> batch) {
    List<PutEventsRequestEntry> entries = batch.stream().map(p -> entry(p.finding())).toList();
    try {
      var response =
          guard.call("events", "PutEvents", () -> events.putEvents(b -> b.entries(entries)));
      List<PutEventsResultEntry> results = response.entries();
      boolean all = true;
      for (int i = 0; i < batch.size(); i++) {
        boolean failed = i < results.size() && results.get(i).errorCode() != null;
        if (failed) {
          all = false;
          retry(batch.get(i), results.get(i).errorCode());
        } else {
          published.incrementAndGet();
        }
      }
      return all;
    } catch (RuntimeException e) {
      batch.forEach(p -> retry(p, e.toString()));
      return false;
    }
  }

  private void retry(Pending pending, String why) {
    if (pending.attempt() + 1 >= ATTEMPTS) {
      dropped.incrementAndGet();
      LOG.warn(
          "gave up publishing finding {} after {} attempts ({}); it stays in the store",
          pending.finding().id(),
          ATTEMPTS,
          why);
      return;
    }
    queue.offerLast(new Pending(pending.finding(), pending.attempt() + 1));
  }

  private PutEventsRequestEntry entry(Finding finding) {
    ObjectNode detail = FindingJson.of(finding);
    if (detail.toString().length() > MAX_DETAIL) {
      detail
          .putObject("evidence")
          .put("truncated", true)
          .put("see", "/api/findings/" + finding.id());
    }
    return PutEventsRequestEntry.builder()
        .eventBusName(bus.orElseThrow())
        .source("sherlock")
        .detailType(finding.kind().name())
        .time(finding.time())
        .detail(detail.toString())
        .build();
  }

  @Override
  public synchronized void close() {
    if (thread != null) {
      thread.interrupt();
    }
  }
}
