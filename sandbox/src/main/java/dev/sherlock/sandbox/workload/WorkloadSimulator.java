package dev.sherlock.sandbox.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.sandbox.cloudwatch.CloudWatch;
import dev.sherlock.sandbox.ecs.Ecs;
import dev.sherlock.sandbox.ecs.EcsTask;
import dev.sherlock.sandbox.ecs.Workload;
import dev.sherlock.sandbox.http.Json;
import dev.sherlock.sandbox.logs.CloudWatchLogs;
import dev.sherlock.sandbox.xray.Trace;
import dev.sherlock.sandbox.xray.XRay;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The apps inside the sandbox's tasks. Each task runs a small web app whose behaviour comes from
 * its container environment and the {@link Scenario}: requests with a latency and an error rate,
 * CPU and memory use, and log lines at the levels its {@code LOGLEVEL} lets through. With {@code
 * CHAOSMODE=on} some requests are slowed down and some answered 404 - and the cause appears only in
 * WARN and DEBUG lines, never at ERROR. Every simulated minute it publishes the metrics AWS would
 * (AWS/ECS, ECS/ContainerInsights, AWS/ApplicationELB); every ten seconds each task writes logs,
 * and a task that runs an X-Ray daemon (a container on UDP 2000) sends a sample of its requests'
 * traces, with the chaos delay as its own subsegment.
 */
public final class WorkloadSimulator implements Workload {
  static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
  private static final List<String> LEVELS = List.of("DEBUG", "INFO", "WARN", "ERROR");
  private static final List<String> ROUTES =
      List.of("GET /mysfits", "POST /like", "GET /mysfits/{id}", "POST /adopt");

  /** A task's app. */
  private static final class App {
    final EcsTask task;
    final Instant startedAt;
    final Map<String, String> environment;
    final String container;

    App(EcsTask task, Instant startedAt) {
      this.task = task;
      this.startedAt = startedAt;
      EcsTask.Container main =
          task.containers().stream()
              .filter(EcsTask.Container::essential)
              .findFirst()
              .orElse(task.containers().getFirst());
      this.container = main.name();
      this.environment = main.environment();
    }

    boolean chaos() {
      return "on".equalsIgnoreCase(environment.getOrDefault("CHAOSMODE", "off"));
    }

    int logLevel() {
      int index =
          LEVELS.indexOf(
              environment.getOrDefault("LOGLEVEL", "INFO").toUpperCase(java.util.Locale.ROOT));
      return index < 0 ? 1 : index;
    }
  }

  /** One minute of one task's requests. */
  private record Minute(List<Double> latencies, int requests, int errors5xx) {}

  private final java.util.function.Supplier<Ecs> ecs;
  private final CloudWatch cloudWatch;
  private final CloudWatchLogs logs;
  private final Scenario scenario;
  private final Random random;
  // Traces and status pages draw from their own stream: observing the apps must not change their
  // metrics or logs.
  private final Random observedRandom;
  private final XRay xray;
  private final Set<String> knownImagePrefixes = ConcurrentHashMap.newKeySet();
  private final Map<String, App> apps = new LinkedHashMap<>();
  private final Map<String, String> loadBalancerOfTargetGroup = new ConcurrentHashMap<>();
  private Instant lastMinute;
  private Instant lastLogs;

  public WorkloadSimulator(
      java.util.function.Supplier<Ecs> ecs,
      CloudWatch cloudWatch,
      CloudWatchLogs logs,
      XRay xray,
      Scenario scenario,
      long seed,
      Instant start) {
    this.ecs = ecs;
    this.xray = xray;
    this.observedRandom = new Random(seed ^ 0x7ACE5L);
    this.cloudWatch = cloudWatch;
    this.logs = logs;
    this.scenario = scenario;
    this.random = new Random(seed);
    this.lastMinute = truncate(start, Duration.ofMinutes(1));
    this.lastLogs = truncate(start, LOG_INTERVAL);
    knownImagePrefixes.addAll(List.of("public.ecr.aws/", "amazon/", "nginx", "busybox"));
  }

  /**
   * Images starting with this prefix can be pulled; any other image fails with
   * CannotPullContainerError.
   */
  public void knowImages(String prefix) {
    knownImagePrefixes.add(prefix);
  }

  /** Names the ALB a target group belongs to, for the AWS/ApplicationELB LoadBalancer dimension. */
  public void loadBalancer(String targetGroupArn, String loadBalancerDimension) {
    loadBalancerOfTargetGroup.put(targetGroupArn, loadBalancerDimension);
  }

  @Override
  public boolean canPull(String image) {
    return knownImagePrefixes.stream().anyMatch(image::startsWith);
  }

  @Override
  public void started(EcsTask task, Instant now) {
    apps.put(task.arn(), new App(task, now));
  }

  @Override
  public void stopped(EcsTask task, Instant now) {
    apps.remove(task.arn());
  }

  @Override
  public Optional<Exit> exited(EcsTask task, Instant now) {
    App app = apps.get(task.arn());
    if (app == null || task.serviceName().isEmpty()) {
      return Optional.empty();
    }
    String service = task.serviceName().get();
    Duration running = Duration.between(app.startedAt, now);
    var oom = scenario.find(Scenario.OomKill.class, task.clusterName(), service);
    if (oom.isPresent() && running.compareTo(oom.get().after()) >= 0) {
      log(app, now, "ERROR", "ERROR: java.lang.OutOfMemoryError: Java heap space");
      return Optional.of(
          new Exit(app.container, 137, "OutOfMemoryError: Container killed due to memory usage"));
    }
    var crash = scenario.find(Scenario.CrashLoop.class, task.clusterName(), service);
    if (crash.isPresent() && running.compareTo(crash.get().after()) >= 0) {
      log(app, now, "ERROR", "ERROR: fatal: cannot connect to mysfits table, exiting");
      return Optional.of(new Exit(app.container, crash.get().exitCode(), null));
    }
    return Optional.empty();
  }

  /** Time passes: logs every ten seconds, metrics every minute, up to {@code now}. */
  public void advance(Instant now) {
    while (!lastLogs.plus(LOG_INTERVAL).isAfter(now)) {
      lastLogs = lastLogs.plus(LOG_INTERVAL);
      for (App app : List.copyOf(apps.values())) {
        if (app.task.lastStatus().equals("RUNNING")) {
          writeLogs(app, lastLogs);
          if (hasPort(app.task.taskDefinition(), 2000, "udp")) {
            sendTraces(app, lastLogs);
          }
        }
      }
    }
    while (!lastMinute.plus(Duration.ofMinutes(1)).isAfter(now)) {
      publishMinute(lastMinute);
      lastMinute = lastMinute.plus(Duration.ofMinutes(1));
    }
    cloudWatch.store().prune(now);
    xray.prune(now);
  }

  // ------------------------------------------------------------------- metrics

  private void publishMinute(Instant minute) {
    Map<String, List<App>> byService = new LinkedHashMap<>();
    for (App app : apps.values()) {
      if (app.task.lastStatus().equals("RUNNING") && app.task.serviceName().isPresent()) {
        byService
            .computeIfAbsent(
                app.task.clusterName() + "/" + app.task.serviceName().get(), k -> new ArrayList<>())
            .add(app);
      }
    }
    for (EcsTask task : ecs.get().liveTasks()) {
      task.serviceName()
          .ifPresent(s -> byService.putIfAbsent(task.clusterName() + "/" + s, new ArrayList<>()));
    }
    byService.forEach(
        (key, running) -> {
          String cluster = key.substring(0, key.indexOf('/'));
          String service = key.substring(key.indexOf('/') + 1);
          Instant at = minute.plusSeconds(30);
          Map<String, String> serviceDimensions = new LinkedHashMap<>();
          serviceDimensions.put("ClusterName", cluster);
          serviceDimensions.put("ServiceName", service);
          String insights = ecs.get().containerInsights(cluster);
          if (!insights.equals("disabled")) {
            put(
                "ECS/ContainerInsights",
                "RunningTaskCount",
                serviceDimensions,
                at,
                List.of((double) running.size()),
                "Count");
          }
          if (running.isEmpty()) {
            return;
          }
          List<Double> cpu = new ArrayList<>();
          List<Double> memory = new ArrayList<>();
          List<Double> latencies = new ArrayList<>();
          int requests = 0;
          int errors = 0;
          for (App app : running) {
            double base = 18 + random.nextDouble() * 8 + (app.chaos() ? 6 : 0);
            cpu.add(scenario.cpuOverride(cluster, service, at, base));
            memory.add(30 + random.nextDouble() * 10);
            Minute m = requests(app, cluster, service, at);
            latencies.addAll(m.latencies());
            requests += m.requests();
            errors += m.errors5xx();
          }
          put("AWS/ECS", "CPUUtilization", serviceDimensions, at, List.of(average(cpu)), "Percent");
          if (!insights.equals("disabled")) {
            insights(running, cluster, serviceDimensions, at, cpu, memory, insights);
          }
          put(
              "AWS/ECS",
              "MemoryUtilization",
              serviceDimensions,
              at,
              List.of(average(memory)),
              "Percent");
          for (JsonNode lb : ecs.get().loadBalancers(cluster, service).orElse(Json.array())) {
            String tg = lb.path("targetGroupArn").asText();
            if (tg.isEmpty()) {
              continue;
            }
            Map<String, String> alb = new LinkedHashMap<>();
            alb.put(
                "LoadBalancer",
                loadBalancerOfTargetGroup.getOrDefault(tg, "app/sandbox-alb/0000000000000000"));
            alb.put("TargetGroup", tg.substring(tg.indexOf("targetgroup/")));
            put("AWS/ApplicationELB", "TargetResponseTime", alb, at, latencies, "Seconds");
            put("AWS/ApplicationELB", "RequestCount", alb, at, List.of((double) requests), "Count");
            put(
                "AWS/ApplicationELB",
                "HTTPCode_Target_5XX_Count",
                alb,
                at,
                List.of((double) errors),
                "Count");
          }
        });
  }

  /**
   * Container Insights, published only while the cluster has it on: per service CpuUtilized and
   * MemoryUtilized (CPU units and MiB, as Container Insights counts them), and with {@code
   * enhanced} the same per task, by TaskDefinitionFamily and TaskId.
   */
  private void insights(
      List<App> running,
      String cluster,
      Map<String, String> serviceDimensions,
      Instant at,
      List<Double> cpuPercent,
      List<Double> memoryPercent,
      String level) {
    List<Double> cpuUnits = new ArrayList<>();
    List<Double> memoryMiB = new ArrayList<>();
    for (int i = 0; i < running.size(); i++) {
      JsonNode definition = running.get(i).task.taskDefinition();
      double units = definition.path("cpu").asDouble(256) * cpuPercent.get(i) / 100;
      double mib = definition.path("memory").asDouble(512) * memoryPercent.get(i) / 100;
      cpuUnits.add(units);
      memoryMiB.add(mib);
      if (level.equals("enhanced")) {
        Map<String, String> task = new LinkedHashMap<>();
        task.put("ClusterName", cluster);
        task.put("TaskDefinitionFamily", definition.path("family").asText());
        task.put("TaskId", running.get(i).task.id());
        put("ECS/ContainerInsights", "CpuUtilized", task, at, List.of(units), "None");
        put("ECS/ContainerInsights", "MemoryUtilized", task, at, List.of(mib), "Megabytes");
      }
    }
    put(
        "ECS/ContainerInsights",
        "CpuUtilized",
        serviceDimensions,
        at,
        List.of(cpuUnits.stream().mapToDouble(Double::doubleValue).sum()),
        "None");
    put(
        "ECS/ContainerInsights",
        "MemoryUtilized",
        serviceDimensions,
        at,
        List.of(memoryMiB.stream().mapToDouble(Double::doubleValue).sum()),
        "Megabytes");
  }

  /** A minute of requests of one task: latencies in seconds, and how many failed with a 5xx. */
  private Minute requests(App app, String cluster, String service, Instant at) {
    int count = 30;
    double factor = scenario.latencyFactor(cluster, service, at);
    List<Double> latencies = new ArrayList<>();
    int errors = 0;
    for (int i = 0; i < count; i++) {
      double ms = (150 + random.nextGaussian() * 30) * factor;
      if (app.chaos() && random.nextDouble() < 0.35) {
        ms += 1000 + random.nextInt(1500);
      }
      if (random.nextDouble() < 0.005) {
        errors++;
      }
      latencies.add(Math.max(5, ms) / 1000.0);
    }
    return new Minute(latencies, count, errors);
  }

  private void put(
      String namespace,
      String name,
      Map<String, String> dimensions,
      Instant at,
      List<Double> values,
      String unit) {
    ObjectNode datum = Json.object().put("MetricName", name).put("Unit", unit);
    datum.set("Timestamp", Json.epochSeconds(at));
    ArrayNode dims = datum.putArray("Dimensions");
    dimensions.forEach((k, v) -> dims.addObject().put("Name", k).put("Value", v));
    ArrayNode vals = datum.putArray("Values");
    values.forEach(vals::add);
    ArrayNode data = Json.array();
    data.add(datum);
    cloudWatch.put(namespace, data);
  }

  private static double average(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
  }

  // ---------------------------------------------------------------------- logs

  private void writeLogs(App app, Instant at) {
    String route = ROUTES.get(random.nextInt(ROUTES.size()));
    int ms = 120 + random.nextInt(80);
    log(app, at, "DEBUG", "DEBUG: handling %s (task %s)".formatted(route, app.task.id()));
    if (app.chaos() && random.nextDouble() < 0.6) {
      int delay = 1000 + random.nextInt(1500);
      log(app, at, "WARN", "WARN: chaos mode injected %d ms delay on %s".formatted(delay, route));
      if (random.nextBoolean()) {
        log(app, at, "WARN", "WARN: chaos mode answered 404 on %s".formatted(route));
        log(app, at, "ERROR", "ERROR: %s failed with 404".formatted(route));
        return;
      }
      ms += delay;
    }
    log(app, at, "INFO", "INFO: %s 200 %d ms".formatted(route, ms));
  }

  private void log(App app, Instant at, String level, String message) {
    if (LEVELS.indexOf(level) < app.logLevel()) {
      return;
    }
    for (JsonNode container : app.task.taskDefinition().path("containerDefinitions")) {
      if (!container.path("name").asText().equals(app.container)) {
        continue;
      }
      JsonNode logConfiguration = container.path("logConfiguration");
      if (!logConfiguration.path("logDriver").asText().equals("awslogs")) {
        return;
      }
      JsonNode options = logConfiguration.path("options");
      String group = options.path("awslogs-group").asText("");
      if (group.isEmpty()) {
        return;
      }
      String prefix = options.path("awslogs-stream-prefix").asText("");
      String stream =
          prefix.isEmpty()
              ? app.task.id()
              : "%s/%s/%s".formatted(prefix, app.container, app.task.id());
      logs.append(group, stream, at.toEpochMilli(), message);
    }
  }

  // -------------------------------------------------------------------- traces

  /**
   * Ten seconds of sampled requests (X-Ray's default rule keeps about one a second; five here),
   * each a segment with a DynamoDB subsegment, and with CHAOSMODE on a {@code chaos-delay} or
   * {@code chaos-404} subsegment where the app's chaos hit.
   */
  private void sendTraces(App app, Instant at) {
    String cluster = app.task.clusterName();
    String service = app.task.serviceName().orElse(app.container);
    String name = app.environment.getOrDefault("AWS_XRAY_TRACING_NAME", service);
    for (int i = 0; i < 5; i++) {
      Instant start = at.minus(LOG_INTERVAL).plusMillis(i * 2000L + observedRandom.nextInt(1000));
      String route = ROUTES.get(observedRandom.nextInt(ROUTES.size()));
      double appMs =
          Math.max(5, (150 + observedRandom.nextGaussian() * 30))
              * scenario.latencyFactor(cluster, service, start);
      double dbMs = appMs * (0.3 + observedRandom.nextDouble() * 0.3);
      int status = 200;
      ObjectNode segment = Json.object();
      ArrayNode subsegments = segment.putArray("subsegments");
      double offsetMs = appMs - dbMs; // the app's own work before it calls the table
      if (app.chaos() && observedRandom.nextDouble() < 0.35) {
        boolean answer404 = observedRandom.nextDouble() < 0.3;
        int delay = answer404 ? 2 : 1000 + observedRandom.nextInt(1500);
        ObjectNode chaos =
            subsegment(
                subsegments, answer404 ? "chaos-404" : "chaos-delay", start, offsetMs, delay);
        chaos.putObject("annotations").put("CHAOSMODE", "on");
        if (answer404) {
          status = 404;
          chaos.put("error", true);
          chaos
              .putObject("cause")
              .putArray("exceptions")
              .addObject()
              .put("id", hex(16))
              .put("message", "chaos mode answered 404 on " + route)
              .put("type", "ChaosException");
        }
        offsetMs += delay;
        appMs += delay;
      }
      ObjectNode db = subsegment(subsegments, "DynamoDB", start, offsetMs, dbMs);
      db.put("namespace", "aws");
      db.putObject("aws")
          .put("operation", route.startsWith("GET") ? "Query" : "UpdateItem")
          .put("table_name", "mysfits");
      if (observedRandom.nextDouble() < 0.005) {
        status = 502;
        db.put("fault", true);
        db.putObject("cause")
            .putArray("exceptions")
            .addObject()
            .put("id", hex(16))
            .put("message", "Unable to execute HTTP request: connect timed out")
            .put("type", "SdkClientException");
      }
      String id = "1-%08x-%s".formatted(start.getEpochSecond(), hex(24));
      Duration duration = Duration.ofNanos((long) (appMs * 1_000_000));
      String method = route.substring(0, route.indexOf(' '));
      String url = "http://" + service + route.substring(route.indexOf(' ') + 1);
      segment
          .put("id", hex(16))
          .put("trace_id", id)
          .put("name", name)
          .put("origin", "AWS::ECS::Container")
          .put("start_time", seconds(start))
          .put("end_time", seconds(start.plus(duration)))
          .put("error", status >= 400 && status < 500)
          .put("fault", status >= 500);
      ObjectNode http = segment.putObject("http");
      http.putObject("request").put("method", method).put("url", url);
      http.putObject("response").put("status", status);
      segment
          .putObject("aws")
          .putObject("ecs")
          .put("container", app.container)
          .put("task", app.task.arn());
      xray.add(new Trace(id, name, start, duration, method, url, status, segment));
    }
  }

  private ObjectNode subsegment(
      ArrayNode subsegments, String name, Instant start, double offsetMs, double ms) {
    Instant from = start.plusNanos((long) (offsetMs * 1_000_000));
    return subsegments
        .addObject()
        .put("id", hex(16))
        .put("name", name)
        .put("start_time", seconds(from))
        .put("end_time", seconds(from.plusNanos((long) (ms * 1_000_000))));
  }

  private static double seconds(Instant instant) {
    return instant.getEpochSecond() + instant.getNano() / 1e9;
  }

  private String hex(int digits) {
    StringBuilder b = new StringBuilder(digits);
    for (int i = 0; i < digits; i++) {
      b.append(Character.forDigit(observedRandom.nextInt(16), 16));
    }
    return b.toString();
  }

  // ------------------------------------------------------------ task metadata

  /**
   * v4 {@code /task} metadata of the task with this private IP, if it serves metadata (port 8001).
   */
  public Optional<JsonNode> taskMetadata(String privateIp) {
    return appWithMetadataProxy(privateIp)
        .map(
            app -> {
              ObjectNode task =
                  Json.object()
                      .put("Cluster", app.task.clusterName())
                      .put("TaskARN", app.task.arn())
                      .put("Family", app.task.taskDefinition().path("family").asText())
                      .put("Revision", app.task.taskDefinition().path("revision").asText())
                      .put("DesiredStatus", "RUNNING")
                      .put("KnownStatus", app.task.lastStatus())
                      .put("LaunchType", "FARGATE")
                      .put("AvailabilityZone", "us-east-1a");
              ArrayNode containers = task.putArray("Containers");
              for (EcsTask.Container c : app.task.containers()) {
                containers
                    .addObject()
                    .put("Name", c.name())
                    .put("Image", c.image())
                    .put("DockerId", dockerId(app, c))
                    .put("KnownStatus", "RUNNING");
              }
              return task;
            });
  }

  /**
   * What the app of the running task with this private IP answers to a GET of {@code path} on
   * {@code port}: its status page ({@code /server-status}, in the shape of Apache's {@code
   * mod_status ?auto}) on the app container's ports; empty when nothing listens there (the task is
   * gone, or the port is not the app's). The page names the database it uses - with a password in
   * the URL, as real status pages do - so that what Sherlock keeps of it must be redacted.
   */
  public Optional<HttpAnswer> httpGet(String privateIp, int port, String path, Instant now) {
    Optional<App> found =
        apps.values().stream()
            .filter(a -> a.task.privateIp().equals(privateIp))
            .filter(a -> a.task.lastStatus().equals("RUNNING"))
            .filter(a -> appPorts(a).contains(port))
            .findFirst();
    if (found.isEmpty()) {
      return Optional.empty();
    }
    App app = found.get();
    if (!path.equals("/server-status") && !path.startsWith("/server-status?")) {
      return Optional.of(new HttpAnswer(404, "Not Found\n"));
    }
    long uptime = Duration.between(app.startedAt, now).toSeconds();
    int busy = 1 + observedRandom.nextInt(app.chaos() ? 12 : 4);
    String page =
        String.join(
            "\n",
            "ServerVersion: mysfits/%s".formatted(app.container),
            "Task: " + app.task.id(),
            "Uptime: " + uptime,
            "Total Accesses: " + uptime * 3,
            "ReqPerSec: 3.0",
            "BusyWorkers: " + busy,
            "IdleWorkers: " + (16 - busy),
            "LogLevel: " + LEVELS.get(app.logLevel()),
            "ChaosMode: " + (app.chaos() ? "on" : "off"),
            "Database: postgres://mysfits:" + STATUS_PAGE_PASSWORD + "@mysfits-db:5432/mysfits",
            "");
    return Optional.of(new HttpAnswer(200, page));
  }

  /** The password every sandbox status page shows in its database URL: it must never be kept. */
  public static final String STATUS_PAGE_PASSWORD = "canary-db-pw-5";

  /** An HTTP answer of an app: its status and its text. */
  public record HttpAnswer(int status, String body) {}

  /** The TCP ports of the app's container, where it answers HTTP: by private IP and port. */
  public Map<String, Integer> appAddresses() {
    Map<String, Integer> addresses = new LinkedHashMap<>();
    for (App app : apps.values()) {
      if (app.task.lastStatus().equals("RUNNING")) {
        appPorts(app).forEach(p -> addresses.put(app.task.privateIp() + ":" + p, p));
      }
    }
    return addresses;
  }

  private static List<Integer> appPorts(App app) {
    List<Integer> ports = new ArrayList<>();
    for (JsonNode c : app.task.taskDefinition().path("containerDefinitions")) {
      if (c.path("name").asText().equals(app.container)) {
        for (JsonNode p : c.path("portMappings")) {
          if (p.path("protocol").asText("tcp").equals("tcp")) {
            ports.add(p.path("containerPort").asInt());
          }
        }
      }
    }
    return ports;
  }

  /** v4 {@code /task/stats}: Docker stats per container, keyed by Docker id. */
  public Optional<JsonNode> taskStats(String privateIp, Instant now) {
    return appWithMetadataProxy(privateIp)
        .map(
            app -> {
              ObjectNode stats = Json.object();
              String service = app.task.serviceName().orElse("");
              double cpuPercent =
                  scenario.cpuOverride(
                      app.task.clusterName(), service, now, 20 + random.nextDouble() * 5);
              for (EcsTask.Container c : app.task.containers()) {
                boolean main = c.name().equals(app.container);
                long uptimeNanos = Duration.between(app.startedAt, now).toNanos();
                ObjectNode s = stats.putObject(dockerId(app, c));
                s.put("read", now.toString()).put("name", c.name()).put("id", dockerId(app, c));
                s.putObject("cpu_stats")
                    .put("online_cpus", 2)
                    .put("system_cpu_usage", uptimeNanos * 2)
                    .putObject("cpu_usage")
                    .put("total_usage", (long) (uptimeNanos * (main ? cpuPercent : 1) / 100));
                s.putObject("memory_stats")
                    .put(
                        "usage",
                        (long)
                            ((main ? 180 : 20) * 1024 * 1024 * (0.9 + random.nextDouble() * 0.2)))
                    .put("limit", 512L * 1024 * 1024);
                s.putObject("networks")
                    .putObject("eth1")
                    .put("rx_bytes", uptimeNanos / 1000)
                    .put("tx_bytes", uptimeNanos / 2000);
              }
              return stats;
            });
  }

  private Optional<App> appWithMetadataProxy(String privateIp) {
    return apps.values().stream()
        .filter(a -> a.task.privateIp().equals(privateIp) && a.task.lastStatus().equals("RUNNING"))
        .filter(a -> hasPort(a.task.taskDefinition(), 8001, "tcp"))
        .findFirst();
  }

  /** Whether a container of the task listens on {@code port}: a metadata proxy, an X-Ray daemon. */
  private static boolean hasPort(JsonNode taskDefinition, int port, String protocol) {
    for (JsonNode c : taskDefinition.path("containerDefinitions")) {
      for (JsonNode p : c.path("portMappings")) {
        if (p.path("containerPort").asInt() == port
            && p.path("protocol").asText("tcp").equals(protocol)) {
          return true;
        }
      }
    }
    return false;
  }

  private static String dockerId(App app, EcsTask.Container c) {
    return app.task.id() + "-" + Math.abs(c.name().hashCode());
  }

  private static Instant truncate(Instant instant, Duration unit) {
    long seconds = unit.getSeconds();
    return Instant.ofEpochSecond(Math.floorDiv(instant.getEpochSecond(), seconds) * seconds);
  }
}
