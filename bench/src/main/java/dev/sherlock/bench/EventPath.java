package dev.sherlock.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The event path: ECS events sent to Sherlock's queue as EventBridge delivers them, at a set rate,
 * through SQS (the sandbox's ElasticMQ). Most are task state changes that fire nothing (the noise
 * of a busy account); a few are OOM kills that open a session each. Measured: how fast the daemon
 * drains the queue, and for the OOM kills the time from the event to the session's first mutating
 * call having been made (its {@code ActionApplied} finding, recorded once RegisterTaskDefinition
 * and UpdateService returned).
 */
final class EventPath {
  private static final Pattern RECEIVED =
      Pattern.compile("^sherlock_events_received_total\\{[^}]*} ([0-9.eE+]+)$", Pattern.MULTILINE);

  record Figures(
      int services,
      int rate,
      int events,
      Duration sending,
      Duration drained,
      List<Duration> toApplied) {
    double throughput() {
      return events / (drained.toMillis() / 1000.0);
    }
  }

  private final Path root;

  EventPath(Path root) {
    this.root = root;
  }

  Figures measure(int services, int rate, Duration length, int triggering) throws Exception {
    Map<String, String> env =
        Map.of("SHERLOCK_MAX_SESSIONS", "1000000", "SHERLOCK_MUTATIONS_PER_HOUR", "10000000");
    try (Fleet fleet = Fleet.sandbox(root, services, env)) {
      fleet.startDaemon();
      Http sqs = new Http(fleet.endpoint, null);
      String queue =
          sqs.aws("AmazonSQS.GetQueueUrl", "{\"QueueName\": \"sherlock-ecs-events\"}")
              .path("QueueUrl")
              .asText();
      int events = (int) (rate * length.toSeconds());
      int batches = events / 10;
      // Which events are OOM kills: spread evenly over the window, one service each, each its own
      // event (at most one per event, so a short window sends fewer).
      int kills = Math.min(triggering, Math.min(events, services));
      Map<Integer, Integer> oomAt = new HashMap<>();
      for (int i = 0; i < kills; i++) {
        oomAt.put((int) ((i + 0.5) * events / kills), i + 1);
      }
      double before = received(fleet);
      Map<String, Instant> sentAt = Collections.synchronizedMap(new HashMap<>());
      Instant start = Instant.now();
      try (ExecutorService senders = Executors.newFixedThreadPool(8)) {
        List<Future<?>> sends = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
          int batch = b;
          Instant due = start.plusNanos((long) (batch * 10 * 1e9 / rate));
          sends.add(
              senders.submit(
                  () -> {
                    pauseUntil(due);
                    ArrayNode entries = Http.JSON.createArrayNode();
                    for (int e = 0; e < 10; e++) {
                      Integer oom = oomAt.get(batch * 10 + e);
                      String service =
                          Fleet.service(oom != null ? oom : 1 + (batch * 10 + e) % services);
                      entries
                          .addObject()
                          .put("Id", Integer.toString(e))
                          .put("MessageBody", taskEvent(service, oom != null, batch * 10 + e));
                      if (oom != null) {
                        sentAt.put(service, Instant.now());
                      }
                    }
                    ObjectNode body = Http.JSON.createObjectNode().put("QueueUrl", queue);
                    body.set("Entries", entries);
                    return sqs.aws("AmazonSQS.SendMessageBatch", body.toString());
                  }));
        }
        for (Future<?> send : sends) {
          send.get();
        }
      }
      Duration sending = Duration.between(start, Instant.now());
      Bench.await(() -> received(fleet) - before >= events, Duration.ofMinutes(30));
      Duration drained = Duration.between(start, Instant.now());
      Bench.await(() -> applied(fleet).size() >= kills, Duration.ofMinutes(30));
      List<Duration> toApplied = new ArrayList<>();
      applied(fleet)
          .forEach(
              (service, at) -> {
                Instant sent = sentAt.get(service);
                if (sent != null) {
                  toApplied.add(Duration.between(sent, at));
                }
              });
      Collections.sort(toApplied);
      return new Figures(services, rate, events, sending, drained, toApplied);
    }
  }

  /** When each service's first ActionApplied finding was recorded. */
  private static Map<String, Instant> applied(Fleet fleet) throws Exception {
    Map<String, Instant> first = new HashMap<>();
    for (JsonNode f :
        fleet.api().get("/api/findings?kind=ActionApplied&limit=500").path("findings")) {
      Instant at = Instant.parse(f.path("time").asText());
      first.merge(f.path("service").asText(), at, (a, b) -> a.isBefore(b) ? a : b);
    }
    return first;
  }

  private static double received(Fleet fleet) throws Exception {
    Matcher m = RECEIVED.matcher(fleet.api().text("/metrics"));
    double total = 0;
    while (m.find()) {
      total += Double.parseDouble(m.group(1));
    }
    return total;
  }

  /**
   * A task state change as EventBridge delivers it: a task of the service running (noise), or
   * stopped by an OOM kill (exit 137), which the bench policy's trigger fires on.
   */
  private static String taskEvent(String service, boolean oomKilled, int n) {
    String task = "arn:aws:ecs:us-east-1:123456789012:task/fleet/" + UUID.randomUUID();
    ObjectNode event =
        Http.JSON
            .createObjectNode()
            .put("version", "0")
            .put("id", UUID.randomUUID().toString())
            .put("detail-type", "ECS Task State Change")
            .put("source", "aws.ecs")
            .put("account", "123456789012")
            .put("time", Instant.now().toString())
            .put("region", "us-east-1");
    event.putArray("resources").add(task);
    ObjectNode detail =
        event
            .putObject("detail")
            .put("clusterArn", "arn:aws:ecs:us-east-1:123456789012:cluster/fleet")
            .put("group", "service:" + service)
            .put("taskArn", task)
            .put(
                "taskDefinitionArn",
                "arn:aws:ecs:us-east-1:123456789012:task-definition/" + service + ":1")
            .put("lastStatus", oomKilled ? "STOPPED" : "RUNNING")
            .put("desiredStatus", oomKilled ? "STOPPED" : "RUNNING")
            .put("version", 2 + n);
    ObjectNode container = detail.putArray("containers").addObject().put("name", "app");
    if (oomKilled) {
      detail
          .put("stopCode", "EssentialContainerExited")
          .put("stoppedReason", "Essential container in task exited");
      container.put("exitCode", 137).put("reason", "OutOfMemoryError: Container killed");
    }
    return event.toString();
  }

  private static void pauseUntil(Instant due) throws InterruptedException {
    long millis = Duration.between(Instant.now(), due).toMillis();
    if (millis > 0) {
      Thread.sleep(millis); // pacing the sender to the rate, not waiting for a state
    }
  }
}
