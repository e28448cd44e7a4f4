package dev.sherlock.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.aws.CloudWatchGateway;
import dev.sherlock.aws.EcsGateway;
import dev.sherlock.aws.LogsGateway;
import dev.sherlock.diagnosis.Diagnoser;
import dev.sherlock.finding.FindingKind;
import dev.sherlock.finding.Findings;
import dev.sherlock.overlay.TaskDefinitionDiff;
import dev.sherlock.overlay.TaskDefinitionOverlay;
import dev.sherlock.plan.PlanPrinter;
import dev.sherlock.policy.Action;
import dev.sherlock.policy.DebugPolicy;
import dev.sherlock.policy.Trigger;
import dev.sherlock.reconcile.ServiceArns;
import dev.sherlock.session.Session;
import dev.sherlock.session.Sessions;
import dev.sherlock.source.PolicySource;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * Captures a service's evidence when a session with {@code captureSnapshot} opens, before the tasks
 * that hold it are gone: running and recently stopped tasks, the newest service events,
 * deployments, the metric windows, the last log lines of each task, container stats through a
 * metadata proxy, and the slow and failed requests' X-Ray traces. Each part is captured on its own
 * - a part that fails is recorded as failed and the others are kept. The whole is bounded in size
 * and redacted before it is stored.
 */
@Singleton
public final class SnapshotTaker {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(SnapshotTaker.class);
  private static final int MAX_TASKS = 10;
  private static final int MAX_LOG_TASKS = 5;
  private static final int DEFAULT_LINES = 100;
  private static final Duration METRIC_WINDOW = Duration.ofMinutes(30);

  private final EcsGateway ecs;
  private final LogsGateway logs;
  private final CloudWatchGateway cloudWatch;
  private final TaskAddresses addresses;
  private final PolicySource policies;
  private final Findings findings;
  private final Clock clock;
  private final int maxBytes;
  private final Diagnoser diagnoser;
  private final TraceCapture traces;
  private final java.util.concurrent.atomic.AtomicInteger inFlight =
      new java.util.concurrent.atomic.AtomicInteger();

  public SnapshotTaker(
      EcsGateway ecs,
      LogsGateway logs,
      CloudWatchGateway cloudWatch,
      TaskAddresses addresses,
      PolicySource policies,
      Findings findings,
      Diagnoser diagnoser,
      TraceCapture traces,
      Clock clock,
      @Value("${sherlock.snapshot-max-bytes:262144}") int maxBytes) {
    this.diagnoser = diagnoser;
    this.traces = traces;
    this.ecs = ecs;
    this.logs = logs;
    this.cloudWatch = cloudWatch;
    this.addresses = addresses;
    this.policies = policies;
    this.findings = findings;
    this.clock = clock;
    this.maxBytes = maxBytes;
  }

  /**
   * Takes the snapshots a session's actions ask for (usually one) and its status pages, each on a
   * virtual thread.
   */
  public void captureAsync(Session session) {
    for (Action action : session.actions()) {
      Runnable capture =
          switch (action) {
            case Action.CaptureSnapshot snapshot -> () -> capture(session, snapshot);
            case Action.CaptureStatusPage page -> () -> capturePages(session, page);
            default -> null;
          };
      if (capture == null) {
        continue;
      }
      inFlight.incrementAndGet();
      Thread.ofVirtual()
          .name("sherlock-snapshot-" + session.id())
          .start(
              () -> {
                try {
                  capture.run();
                } catch (RuntimeException e) {
                  LOG.warn("a snapshot of {} failed: {}", session.serviceName(), e.toString());
                } finally {
                  inFlight.decrementAndGet();
                }
              });
    }
  }

  /**
   * GETs the status page on each running task at once, one part per task: its status and lines, or
   * why it did not answer. Recorded as a Snapshot finding, bounded and redacted as every one.
   */
  public ObjectNode capturePages(Session session, Action.CaptureStatusPage action) {
    Instant at = clock.instant();
    String cluster = ServiceArns.cluster(session.serviceArn());
    String request = "GET :%d%s".formatted(action.port(), action.path());
    ObjectNode evidence = header(session, at).put("request", request);
    ObjectNode parts = evidence.putObject("parts");
    // Running ones only: a task still starting has nothing listening yet.
    List<Task> tasks =
        ecs.tasks(cluster, session.serviceName(), DesiredStatus.RUNNING).stream()
            .filter(t -> "RUNNING".equals(t.lastStatus()))
            .limit(MAX_TASKS)
            .toList();
    List<java.util.concurrent.Future<TaskAddresses.Page>> pages = new ArrayList<>();
    try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (Task task : tasks) {
        pages.add(
            threads.submit(
                () ->
                    addresses.page(
                        privateIp(task)
                            .orElseThrow(
                                () -> new IllegalStateException("the task has no private IP")),
                        action.port(),
                        action.path(),
                        action.timeoutOrDefault(),
                        action.maxBytesOrDefault())));
      }
    }
    int answered = 0;
    for (int i = 0; i < tasks.size(); i++) {
      String id = shortId(tasks.get(i));
      var future = pages.get(i);
      Optional<ObjectNode> page =
          part(
              parts,
              "statusPage " + id,
              () -> {
                TaskAddresses.Page got = unwrap(future);
                ObjectNode data =
                    JsonNodeFactory.instance
                        .objectNode()
                        .put("task", id)
                        .put("status", got.status())
                        .put("truncated", got.truncated());
                ArrayNode lines = data.putArray("lines");
                got.text().lines().forEach(lines::add);
                return data;
              },
              true);
      answered += page.isPresent() ? 1 : 0;
    }
    bound(evidence);
    findings.record(
        FindingKind.Snapshot,
        Sessions.subject(session),
        "status pages of %s: %s from %d of %d task%s"
            .formatted(
                session.serviceName(),
                request,
                answered,
                tasks.size(),
                tasks.size() == 1 ? "" : "s"),
        evidence);
    return evidence;
  }

  /** What every snapshot of a session starts with: whose, where, when and why. */
  private static ObjectNode header(Session session, Instant at) {
    return JsonNodeFactory.instance
        .objectNode()
        .put("service", session.serviceName())
        .put("cluster", ServiceArns.cluster(session.serviceArn()))
        .put("capturedAt", at.toString())
        .put("reason", session.reason());
  }

  private static TaskAddresses.Page unwrap(java.util.concurrent.Future<TaskAddresses.Page> future)
      throws Exception {
    try {
      return future.get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private static String shortId(Task task) {
    return task.taskArn().substring(task.taskArn().lastIndexOf('/') + 1);
  }

  private static Optional<String> privateIp(Task task) {
    return task.containers().stream()
        .flatMap(c -> c.networkInterfaces().stream())
        .map(n -> n.privateIpv4Address())
        .filter(a -> a != null)
        .findFirst();
  }

  /** Whether no snapshot is being taken: a rehearsal moves time on only then. */
  public boolean idle() {
    return inFlight.get() == 0;
  }

  public ObjectNode capture(Session session, Action.CaptureSnapshot action) {
    Instant at = clock.instant();
    String cluster = ServiceArns.cluster(session.serviceArn());
    ObjectNode evidence = header(session, at).put("onset", onset(session).toString());
    ObjectNode parts = evidence.putObject("parts");
    Optional<Service> service =
        part(
            parts,
            "service",
            () ->
                ecs.describeService(cluster, session.serviceArn())
                    .orElseThrow(() -> new IllegalStateException("the service no longer exists")),
            false);
    service.ifPresent(s -> evidence.put("taskDefinition", s.taskDefinition()));
    int lines =
        action.logs().flatMap(Action.CaptureSnapshot.LogOptions::lines).orElse(DEFAULT_LINES);
    Optional<String> filter =
        action.logs().flatMap(Action.CaptureSnapshot.LogOptions::filterPattern);
    List<Task> running = new ArrayList<>();
    List<Task> stopped = new ArrayList<>();
    for (String include : action.include()) {
      switch (include) {
        case "tasks" ->
            part(
                parts,
                include,
                () -> tasks(cluster, session, DesiredStatus.RUNNING, running),
                true);
        case "stoppedTasks" ->
            part(
                parts,
                include,
                () -> tasks(cluster, session, DesiredStatus.STOPPED, stopped),
                true);
        case "serviceEvents" -> part(parts, include, () -> events(service.orElseThrow()), true);
        case "deployments" -> {
          part(parts, include, () -> deployments(service.orElseThrow()), true);
          part(parts, "lastDeploy", () -> lastDeploy(session, service.orElseThrow()), true);
        }
        case "metrics" ->
            part(parts, include, () -> metrics(session, service.orElseThrow(), at), true);
        case "logs" ->
            part(
                parts,
                include,
                () -> logLines(cluster, session, running, stopped, lines, filter),
                true);
        case "taskStats" -> part(parts, include, () -> stats(cluster, session, running), true);
        case "traces" ->
            part(
                parts,
                include,
                () -> traces.capture(xrayName(service.orElseThrow()), at.minus(METRIC_WINDOW), at),
                true);
        default -> {}
      }
    }
    parts.remove("service");
    bound(evidence);
    long failed = countFailed(parts);
    findings.record(
        FindingKind.Snapshot,
        Sessions.subject(session),
        "snapshot of %s: %s%s"
            .formatted(
                session.serviceName(),
                String.join(", ", action.include()),
                failed == 0 ? "" : " (%d part%s failed)".formatted(failed, failed == 1 ? "" : "s")),
        evidence);
    try {
      diagnoser.diagnose(session, evidence);
    } catch (RuntimeException e) {
      // The snapshot is recorded; a rule's defect costs the diagnosis, never the evidence.
      LOG.warn("diagnosing the snapshot of {} failed: {}", session.serviceName(), e.toString());
    }
    return evidence;
  }

  /**
   * When what opened the session began: a metric breach began its {@code for} before the trigger
   * fired (the session opens as it fires); anything else, when the session opened.
   */
  private Instant onset(Session session) {
    if (session.origin() != Session.Origin.TRIGGER) {
      return session.openedAt();
    }
    Duration longestFor =
        policies
            .current()
            .policy(session.policy())
            .map(p -> p.spec().triggers())
            .orElse(List.of())
            .stream()
            .filter(Trigger.Metric.class::isInstance)
            .map(t -> ((Trigger.Metric) t).breachFor())
            .max(Duration::compareTo)
            .orElse(Duration.ZERO);
    return session.openedAt().minus(longestFor);
  }

  /** Runs one part; stores its data, or its failure, under its name. */
  private <T> Optional<T> part(ObjectNode parts, String name, PartCall<T> call, boolean keep) {
    ObjectNode part = parts.putObject(name);
    try {
      T value = call.get();
      part.put("status", "ok");
      if (keep && value instanceof JsonNode json) {
        part.set("data", json);
      }
      return Optional.ofNullable(value);
    } catch (Exception e) {
      part.put("status", "failed")
          .put("error", e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
      return Optional.empty();
    }
  }

  private interface PartCall<T> {
    T get() throws Exception;
  }

  private ArrayNode tasks(String cluster, Session session, DesiredStatus status, List<Task> into) {
    List<Task> tasks = ecs.tasks(cluster, session.serviceName(), status);
    List<Task> newest =
        tasks.stream().sorted((a, b) -> time(b).compareTo(time(a))).limit(MAX_TASKS).toList();
    into.addAll(newest);
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    for (Task t : newest) {
      ObjectNode task =
          array
              .addObject()
              .put("taskArn", t.taskArn())
              .put("lastStatus", t.lastStatus())
              .put("taskDefinition", t.taskDefinitionArn())
              .put("healthStatus", t.healthStatusAsString());
      if (t.startedAt() != null) {
        task.put("startedAt", t.startedAt().toString());
      }
      if (t.stoppedAt() != null) {
        task.put("stoppedAt", t.stoppedAt().toString());
      }
      if (t.stopCode() != null) {
        task.put("stopCode", t.stopCodeAsString());
      }
      if (t.stoppedReason() != null) {
        task.put("stoppedReason", t.stoppedReason());
      }
      ArrayNode containers = task.putArray("containers");
      t.containers()
          .forEach(
              c -> {
                ObjectNode container =
                    containers.addObject().put("name", c.name()).put("lastStatus", c.lastStatus());
                if (c.exitCode() != null) {
                  container.put("exitCode", c.exitCode());
                }
                if (c.reason() != null) {
                  container.put("reason", c.reason());
                }
                if (c.healthStatus() != null) {
                  container.put("healthStatus", c.healthStatusAsString());
                }
              });
    }
    return array;
  }

  private static Instant time(Task t) {
    return t.stoppedAt() != null
        ? t.stoppedAt()
        : t.startedAt() != null
            ? t.startedAt()
            : t.createdAt() != null ? t.createdAt() : Instant.EPOCH;
  }

  private static ArrayNode events(Service service) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    service.events().stream()
        .limit(20)
        .forEach(
            e ->
                array
                    .addObject()
                    .put("time", e.createdAt().toString())
                    .put("message", e.message()));
    return array;
  }

  private static ArrayNode deployments(Service service) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    service
        .deployments()
        .forEach(
            d ->
                array
                    .addObject()
                    .put("id", d.id())
                    .put("status", d.status())
                    .put("taskDefinition", d.taskDefinition())
                    .put("rolloutState", d.rolloutStateAsString())
                    .put("rolloutStateReason", d.rolloutStateReason())
                    .put("desired", d.desiredCount())
                    .put("running", d.runningCount())
                    .put("pending", d.pendingCount())
                    .put("failedTasks", d.failedTasks()));
    return array;
  }

  /** How far down a family the revision before the last deploy is looked for. */
  private static final int REVISIONS_BACK = 10;

  /**
   * The service's last deploy by a person: the revision it ran when the session opened, when that
   * was registered, the revision before it (past Sherlock's own), and what changed between them -
   * for the diagnosis that asks whether a deploy started it.
   */
  private ObjectNode lastDeploy(Session session, Service service) {
    DescribeTaskDefinitionResponse current =
        ecs.taskDefinition(session.baseRevision().orElse(service.taskDefinition()));
    Optional<String> base = TaskDefinitionOverlay.tag(current, TaskDefinitionOverlay.TAG_BASE);
    if (base.isPresent()) { // a dry run on a service another session changed: its base
      current = ecs.taskDefinition(base.get());
    }
    TaskDefinition td = current.taskDefinition();
    ObjectNode data =
        JsonNodeFactory.instance.objectNode().put("revision", td.family() + ":" + td.revision());
    if (td.registeredAt() != null) {
      data.put("registeredAt", td.registeredAt().toString());
    }
    for (int r = td.revision() - 1; r >= Math.max(1, td.revision() - REVISIONS_BACK); r--) {
      DescribeTaskDefinitionResponse previous;
      try {
        previous = ecs.taskDefinition(td.family() + ":" + r);
      } catch (RuntimeException e) {
        continue; // deleted: the one before may still be there
      }
      if (TaskDefinitionOverlay.tag(previous, TaskDefinitionOverlay.TAG_MANAGED).isPresent()) {
        continue;
      }
      data.put("previous", td.family() + ":" + r);
      ArrayNode changes = data.putArray("changes");
      TaskDefinitionDiff.between(
              TaskDefinitionOverlay.asRegistration(previous.taskDefinition(), previous.tags()),
              TaskDefinitionOverlay.asRegistration(td, current.tags()))
          .forEach(c -> changes.add(PlanPrinter.describe(c)));
      break;
    }
    return data;
  }

  /** CPU and memory of the service, and the metrics of the policy's metric triggers, around now. */
  private ArrayNode metrics(Session session, Service service, Instant at) {
    List<MetricDataQuery> queries = new ArrayList<>();
    List<Dimension> serviceDims =
        List.of(
            Dimension.builder()
                .name("ClusterName")
                .value(ServiceArns.cluster(service.serviceArn()))
                .build(),
            Dimension.builder().name("ServiceName").value(service.serviceName()).build());
    queries.add(query("cpu", "AWS/ECS", "CPUUtilization", "Average", serviceDims));
    queries.add(query("memory", "AWS/ECS", "MemoryUtilization", "Average", serviceDims));
    Optional<DebugPolicy> policy = policies.current().policy(session.policy());
    int n = 0;
    for (Trigger trigger : policy.map(p -> p.spec().triggers()).orElse(List.of())) {
      if (trigger instanceof Trigger.Metric m) {
        List<Dimension> dims =
            m.dimensions().isEmpty()
                ? serviceDims
                : m.dimensions().entrySet().stream()
                    .map(e -> Dimension.builder().name(e.getKey()).value(e.getValue()).build())
                    .toList();
        queries.add(
            query(
                "trigger" + n++,
                m.namespace(),
                m.name(),
                m.statistic().orElse(Trigger.Metric.DEFAULT_STATISTIC),
                dims));
      }
    }
    var results = cloudWatch.getMetricData(queries, at.minus(METRIC_WINDOW), at.plusSeconds(60));
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    for (MetricDataQuery q : queries) {
      var r = results.get(q.id());
      ObjectNode metric =
          array
              .addObject()
              .put("namespace", q.metricStat().metric().namespace())
              .put("metric", q.metricStat().metric().metricName())
              .put("statistic", q.metricStat().stat());
      ArrayNode points = metric.putArray("datapoints");
      if (r != null) {
        for (int i = 0; i < r.timestamps().size(); i++) {
          points
              .addObject()
              .put("time", r.timestamps().get(i).toString())
              .put("value", r.values().get(i));
        }
      }
    }
    return array;
  }

  private static MetricDataQuery query(
      String id, String namespace, String name, String stat, List<Dimension> dims) {
    return MetricDataQuery.builder()
        .id(id)
        .returnData(true)
        .metricStat(
            s ->
                s.period(60)
                    .stat(stat)
                    .metric(m -> m.namespace(namespace).metricName(name).dimensions(dims)))
        .build();
  }

  /**
   * The service's name in X-Ray: what its app's X-Ray SDK reports, {@code AWS_XRAY_TRACING_NAME} on
   * the first container, else the ECS service's name.
   */
  private String xrayName(Service service) {
    return ecs
        .taskDefinition(service.taskDefinition())
        .taskDefinition()
        .containerDefinitions()
        .stream()
        .findFirst()
        .flatMap(
            c ->
                c.environment().stream()
                    .filter(v -> "AWS_XRAY_TRACING_NAME".equals(v.name()))
                    .map(v -> v.value())
                    .findFirst())
        .orElse(service.serviceName());
  }

  /** The last lines of each task's containers, where their awslogs configuration sends them. */
  private ArrayNode logLines(
      String cluster,
      Session session,
      List<Task> running,
      List<Task> stopped,
      int lines,
      Optional<String> filter) {
    List<Task> tasks = new ArrayList<>(running);
    tasks.addAll(stopped);
    if (tasks.isEmpty()) {
      tasks.addAll(ecs.tasks(cluster, session.serviceName(), DesiredStatus.RUNNING));
    }
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    for (Task task : tasks.stream().limit(MAX_LOG_TASKS).toList()) {
      String taskId = shortId(task);
      for (ContainerDefinition c :
          ecs.taskDefinition(task.taskDefinitionArn()).taskDefinition().containerDefinitions()) {
        if (c.logConfiguration() == null
            || !"awslogs".equals(c.logConfiguration().logDriverAsString())) {
          continue;
        }
        Map<String, String> options = c.logConfiguration().options();
        String group = options.get("awslogs-group");
        String prefix = options.getOrDefault("awslogs-stream-prefix", "");
        String stream = prefix.isEmpty() ? taskId : "%s/%s/%s".formatted(prefix, c.name(), taskId);
        ObjectNode entry =
            array
                .addObject()
                .put("task", taskId)
                .put("container", c.name())
                .put("group", group)
                .put("stream", stream);
        try {
          List<String> got =
              filter.isPresent()
                  ? logs.filter(group, stream, filter.get(), lines)
                  : logs.tail(group, stream, lines);
          ArrayNode out = entry.putArray("lines");
          got.forEach(out::add);
        } catch (RuntimeException e) {
          entry.put("error", e.getMessage());
        }
      }
    }
    boolean anyRead = false;
    String firstError = null;
    for (JsonNode entry : array) {
      anyRead |= entry.has("lines");
      firstError =
          firstError == null && entry.has("error") ? entry.path("error").asText() : firstError;
    }
    if (!anyRead && firstError != null) {
      throw new IllegalStateException("no log stream could be read: " + firstError);
    }
    return array;
  }

  /** Per-container CPU, memory and network from the metadata proxy of tasks that have one. */
  private ArrayNode stats(String cluster, Session session, List<Task> running) throws Exception {
    List<Task> tasks =
        running.isEmpty()
            ? ecs.tasks(cluster, session.serviceName(), DesiredStatus.RUNNING)
            : running;
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    int withProxy = 0;
    for (Task task : tasks.stream().limit(MAX_TASKS).toList()) {
      boolean proxy =
          ecs
              .taskDefinition(task.taskDefinitionArn())
              .taskDefinition()
              .containerDefinitions()
              .stream()
              .flatMap(c -> c.portMappings().stream())
              .anyMatch(p -> p.containerPort() == 8001);
      String ip = privateIp(task).orElse(null);
      if (!proxy || ip == null) {
        continue;
      }
      withProxy++;
      ObjectNode entry = array.addObject().put("task", shortId(task)).put("ip", ip);
      JsonNode raw = addresses.get(ip, 8001, "/task/stats");
      ArrayNode containers = entry.putArray("containers");
      raw.fields()
          .forEachRemaining(
              e -> {
                JsonNode s = e.getValue();
                double system = s.at("/cpu_stats/system_cpu_usage").asDouble();
                double cpu =
                    system <= 0
                        ? 0
                        : s.at("/cpu_stats/cpu_usage/total_usage").asDouble()
                            / system
                            * 100
                            * s.at("/cpu_stats/online_cpus").asInt(1);
                ObjectNode c =
                    containers
                        .addObject()
                        .put("name", s.path("name").asText(e.getKey()))
                        .put("cpuPercent", Math.round(cpu * 10) / 10.0)
                        .put("memoryMiB", s.at("/memory_stats/usage").asLong() / (1024 * 1024))
                        .put(
                            "memoryLimitMiB", s.at("/memory_stats/limit").asLong() / (1024 * 1024));
                long rx = 0;
                long tx = 0;
                for (JsonNode net : s.path("networks")) {
                  rx += net.path("rx_bytes").asLong();
                  tx += net.path("tx_bytes").asLong();
                }
                c.put("networkRxBytes", rx).put("networkTxBytes", tx);
              });
    }
    if (withProxy == 0) {
      throw new IllegalStateException(
          "no running task has a metadata proxy (a container on TCP 8001)");
    }
    return array;
  }

  /** Keeps the snapshot under the size bound, dropping the biggest parts' data first. */
  private void bound(ObjectNode evidence) {
    ObjectNode parts = (ObjectNode) evidence.path("parts");
    while (evidence.toString().length() > maxBytes) {
      String biggest = null;
      int size = -1;
      for (var it = parts.fields(); it.hasNext(); ) {
        var e = it.next();
        int s = e.getValue().path("data").toString().length();
        if (e.getValue().has("data") && s > size) {
          biggest = e.getKey();
          size = s;
        }
      }
      if (biggest == null) {
        return;
      }
      ((ObjectNode) parts.path(biggest)).remove("data");
      ((ObjectNode) parts.path(biggest))
          .put("status", "truncated")
          .put("error", "dropped: the snapshot exceeded %d bytes".formatted(maxBytes));
      evidence.put("truncated", true);
    }
  }

  private static long countFailed(ObjectNode parts) {
    long failed = 0;
    for (JsonNode part : parts) {
      if ("failed".equals(part.path("status").asText())) {
        failed++;
      }
    }
    return failed;
  }
}
