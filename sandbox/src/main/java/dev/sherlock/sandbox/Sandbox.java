package dev.sherlock.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.sherlock.sandbox.autoscaling.ApplicationAutoScaling;
import dev.sherlock.sandbox.cloudwatch.CloudWatch;
import dev.sherlock.sandbox.cloudwatch.CloudWatchRoutes;
import dev.sherlock.sandbox.cloudwatch.MetricStore;
import dev.sherlock.sandbox.dynamodb.DynamoDb;
import dev.sherlock.sandbox.ecs.Ecs;
import dev.sherlock.sandbox.ecs.EcsTask;
import dev.sherlock.sandbox.events.EventBridge;
import dev.sherlock.sandbox.events.SqsDelivery;
import dev.sherlock.sandbox.faults.CallLedger;
import dev.sherlock.sandbox.faults.FaultInjector;
import dev.sherlock.sandbox.http.Json;
import dev.sherlock.sandbox.http.JsonApi;
import dev.sherlock.sandbox.http.SandboxHttpServer;
import dev.sherlock.sandbox.http.SqsProxy;
import dev.sherlock.sandbox.logs.CloudWatchLogs;
import dev.sherlock.sandbox.workload.Scenario;
import dev.sherlock.sandbox.workload.WorkloadSimulator;
import dev.sherlock.sandbox.xray.XRay;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/**
 * A local AWS control plane on 127.0.0.1: ECS, Application Auto Scaling, EventBridge, CloudWatch,
 * CloudWatch Logs, SQS (ElasticMQ) and DynamoDB (dynalite), both behind the same port, with a
 * workload simulator running the services' apps. Unmodified AWS SDK clients and the AWS CLI talk to
 * {@link #endpoint()}.
 *
 * <p>Time is either the wall clock (for {@code sherlock sandbox} and the demo: a ticker moves the
 * world along) or a {@link VirtualClock} that only {@link #advance(Duration)} moves, so tests are
 * deterministic and fast. Every API call first brings the world up to the clock.
 */
public final class Sandbox implements AutoCloseable {
  public static final String DEFAULT_REGION = "us-east-1";
  public static final String DEFAULT_ACCOUNT = "123456789012";
  private static final Duration STEP = Duration.ofSeconds(1);

  /** How to build a sandbox; every setting has a default. */
  public static final class Builder {
    private int port;
    private Optional<Instant> virtualStart = Optional.empty();
    private Optional<Clock> runningClock = Optional.empty();
    private long seed = 42;
    private String region = DEFAULT_REGION;
    private String account = DEFAULT_ACCOUNT;

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Time moves only with {@link Sandbox#advance}; it starts at {@code start}. */
    public Builder virtualClock(Instant start) {
      this.virtualStart = Optional.of(start);
      return this;
    }

    /**
     * Time is this clock's, which runs by itself (e.g. a {@link ScaledClock}); a ticker follows it.
     */
    public Builder clock(Clock clock) {
      this.runningClock = Optional.of(clock);
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder region(String region) {
      this.region = region;
      return this;
    }

    public Builder account(String account) {
      this.account = account;
      return this;
    }

    public Sandbox start() {
      try {
        return new Sandbox(this);
      } catch (IOException e) {
        throw new UncheckedIOException("the sandbox could not start", e);
      }
    }
  }

  private final String region;
  private final String account;
  private final Clock clock;
  private final Optional<VirtualClock> virtualClock;
  private final ReentrantLock world = new ReentrantLock();
  private final CallLedger ledger;
  private static final Duration CATCH_UP_AT_MOST_EVERY = Duration.ofMillis(25);
  private static final Duration CATCH_UP_AT_LEAST_EVERY = Duration.ofSeconds(1);
  private Instant caughtUp = Instant.MIN;
  private Duration catchUpEvery = CATCH_UP_AT_MOST_EVERY;
  private final FaultInjector faults;
  private final Scenario scenario = new Scenario();
  private final SandboxHttpServer server;
  private final SQSRestServer elasticMq;
  private final SqsDelivery delivery;
  private final Ecs ecs;
  private final EventBridge eventBridge;
  private final ApplicationAutoScaling autoScaling;
  private final CloudWatch cloudWatch;
  private final CloudWatchLogs logs;
  private final WorkloadSimulator workload;
  private final XRay xray = new XRay();
  private final DynamoDb dynamoDb;
  private final Thread ticker;

  private Sandbox(Builder builder) throws IOException {
    this.region = builder.region;
    this.account = builder.account;
    this.virtualClock = builder.virtualStart.map(VirtualClock::new);
    this.clock =
        virtualClock.<Clock>map(c -> c).orElse(builder.runningClock.orElse(Clock.systemUTC()));
    this.faults = new FaultInjector(clock, builder.seed);
    this.ledger = new CallLedger(clock);
    this.server = new SandboxHttpServer(builder.port, faults, ledger, world, this::catchUp);

    this.elasticMq =
        SQSRestServerBuilder.withInterface("127.0.0.1")
            .withDynamicPort()
            .withAWSRegion(region)
            .withAWSAccountId(account)
            .withServerAddress(new NodeAddress("http", "127.0.0.1", server.port(), ""))
            .start();
    int sqsPort = elasticMq.waitUntilStarted().localAddress().getPort();
    URI sqsEndpoint = URI.create("http://127.0.0.1:" + sqsPort + "/");
    this.delivery = new SqsDelivery(sqsEndpoint, account, builder.seed);

    this.cloudWatch = new CloudWatch(new MetricStore(), clock);
    this.logs = new CloudWatchLogs(region, account, clock);
    this.eventBridge = new EventBridge(region, account, clock, delivery);
    Ecs[] ecsRef = new Ecs[1];
    this.workload =
        new WorkloadSimulator(
            () -> ecsRef[0], cloudWatch, logs, xray, scenario, builder.seed, clock.instant());
    this.ecs = new Ecs(region, account, clock, builder.seed, eventBridge, workload);
    ecsRef[0] = ecs;
    this.autoScaling = new ApplicationAutoScaling(region, account, clock, ecs);

    this.dynamoDb = new DynamoDb(faults, ledger);
    Map<String, JsonApi> targets = new LinkedHashMap<>();
    targets.put(Ecs.TARGET_PREFIX, ecs);
    targets.put(ApplicationAutoScaling.TARGET_PREFIX, autoScaling);
    targets.put(EventBridge.TARGET_PREFIX, eventBridge);
    targets.put(CloudWatchLogs.TARGET_PREFIX, logs);
    targets.put(CloudWatchRoutes.JSON_TARGET_PREFIX, cloudWatch);
    server.start(
        targets,
        Map.of(CloudWatch.SERVICE, "Throttling", XRay.SERVICE, "ThrottledException"),
        List.of(
            new ControlRoute(),
            new SqsProxy(sqsEndpoint, faults, ledger),
            dynamoDb,
            xray.route(),
            CloudWatchRoutes.cbor(cloudWatch),
            CloudWatchRoutes.query(cloudWatch)));

    this.ticker =
        virtualClock.isPresent()
            ? null
            : Thread.ofVirtual().name("sandbox-ticker").start(this::tickWallClock);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The one endpoint of every service, e.g. {@code http://127.0.0.1:4566}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  public String region() {
    return region;
  }

  public String account() {
    return account;
  }

  public Instant now() {
    return clock.instant();
  }

  public Clock clock() {
    return clock;
  }

  /** Every API call so far, by service, operation and outcome. */
  public CallLedger calls() {
    return ledger;
  }

  /** Budgets and injected failures. */
  public FaultInjector faults() {
    return faults;
  }

  /** The ECS control plane, for its fault modes. */
  public Ecs ecs() {
    return ecs;
  }

  /** What goes wrong with which service next. */
  public Scenario scenario() {
    return scenario;
  }

  /** The apps: known images, load balancers, task metadata. */
  public WorkloadSimulator workload() {
    return workload;
  }

  /** EventBridge's delivery to SQS, e.g. to make it duplicate and reorder on purpose. */
  public SqsDelivery eventDelivery() {
    return delivery;
  }

  /**
   * Moves virtual time forward in one-second steps, letting every task, deployment, metric and log
   * line happen at its moment.
   *
   * @throws IllegalStateException on a wall-clock sandbox
   */
  public void advance(Duration duration) {
    VirtualClock virtual =
        virtualClock.orElseThrow(
            () -> new IllegalStateException("this sandbox runs on the wall clock"));
    Duration left = duration;
    while (!left.isNegative() && !left.isZero()) {
      Duration step = left.compareTo(STEP) < 0 ? left : STEP;
      virtual.advance(step);
      left = left.minus(step);
      inWorld(this::catchUp);
    }
  }

  /** Runs {@code action} under the world lock, as API calls run: for setup and inspection. */
  public <T> T inWorld(Supplier<T> action) {
    world.lock();
    try {
      catchUp();
      return action.get();
    } finally {
      world.unlock();
    }
  }

  private void inWorld(Runnable action) {
    inWorld(
        () -> {
          action.run();
          return null;
        });
  }

  /** Calls an API of the sandbox directly (no HTTP, not counted): for seeding worlds. */
  public JsonNode call(String targetPrefix, String operation, JsonNode request) {
    JsonApi api =
        switch (targetPrefix) {
          case Ecs.TARGET_PREFIX -> ecs;
          case ApplicationAutoScaling.TARGET_PREFIX -> autoScaling;
          case EventBridge.TARGET_PREFIX -> eventBridge;
          case CloudWatchLogs.TARGET_PREFIX -> logs;
          default -> throw new IllegalArgumentException("no service " + targetPrefix);
        };
    return inWorld(() -> api.handle(operation, request));
  }

  /**
   * Publishes one datapoint at the clock's now, as an AWS service publishes its own metrics: also
   * in the {@code AWS/} namespaces, which PutMetricData refuses to callers. For scenarios that need
   * a metric the workload does not produce (a burst of 5xx behind the load balancer).
   */
  public void publish(String namespace, String name, Map<String, String> dimensions, double value) {
    inWorld(
        () ->
            cloudWatch
                .store()
                .put(
                    new MetricStore.MetricId(namespace, name, new java.util.TreeMap<>(dimensions)),
                    MetricStore.Datapoint.of(clock.instant(), value, Optional.empty())));
  }

  /**
   * Replays a recorded datapoint: the series then holds only recorded values, whatever the workload
   * would publish for it (see {@link MetricStore#putReplayed}).
   */
  public void replay(
      String namespace, String name, Map<String, String> dimensions, Instant at, double value) {
    inWorld(
        () ->
            cloudWatch
                .store()
                .putReplayed(
                    new MetricStore.MetricId(namespace, name, new java.util.TreeMap<>(dimensions)),
                    MetricStore.Datapoint.of(at, value, Optional.empty())));
  }

  /**
   * Where a task's ports are reachable from this machine, by {@code ip:port} as DescribeTasks shows
   * the task: its metadata proxy (TCP 8001) and its app's own ports (a status page). The way a
   * controller inside the VPC would reach the task.
   */
  public Map<String, URI> addressMap() {
    return inWorld(
        () -> {
          Map<String, URI> map = new LinkedHashMap<>();
          for (EcsTask task : ecs.liveTasks()) {
            if (workload.taskMetadata(task.privateIp()).isPresent()) {
              map.put(
                  task.privateIp() + ":8001",
                  endpoint().resolve("/_sandbox/task-metadata/" + task.privateIp()));
            }
          }
          workload
              .appAddresses()
              .forEach(
                  (address, port) ->
                      map.put(address, endpoint().resolve("/_sandbox/task-http/" + address)));
          return map;
        });
  }

  /**
   * Brings the world to the clock's now. On a running clock, at most once per 25 ms, and no more
   * often than ten times its own cost (up to once a second): a fleet of 10,000 services and 100,000
   * tasks takes tens of milliseconds to step, and a client making hundreds of calls a second would
   * otherwise spend the sandbox on stepping it - ECS too answers from a state some milliseconds
   * old. A virtual clock stands still between moves, and each move is caught up at once.
   */
  private void catchUp() {
    Instant now = clock.instant();
    if (now.isAfter(caughtUp) && now.isBefore(caughtUp.plus(catchUpEvery))) {
      return;
    }
    long started = System.nanoTime();
    caughtUp = now;
    ecs.advance(now);
    autoScaling.enforceBounds();
    workload.advance(now);
    Duration tenTimesTheCost = Duration.ofNanos(System.nanoTime() - started).multipliedBy(10);
    catchUpEvery =
        tenTimesTheCost.compareTo(CATCH_UP_AT_MOST_EVERY) < 0
            ? CATCH_UP_AT_MOST_EVERY
            : tenTimesTheCost.compareTo(CATCH_UP_AT_LEAST_EVERY) > 0
                ? CATCH_UP_AT_LEAST_EVERY
                : tenTimesTheCost;
  }

  private void tickWallClock() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(100); // the world follows a running clock ten times a second
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      inWorld(this::catchUp);
    }
  }

  @Override
  public void close() {
    if (ticker != null) {
      ticker.interrupt();
    }
    server.close();
    delivery.close();
    elasticMq.stopAndWait();
    dynamoDb.close();
  }

  /**
   * The sandbox's own paths under {@code /_sandbox/}: call counts, the address map, health, and the
   * task metadata endpoints that the address map points to.
   */
  private final class ControlRoute implements SandboxHttpServer.Route {
    @Override
    public boolean matches(HttpExchange exchange, byte[] body) {
      return exchange.getRequestURI().getPath().startsWith("/_sandbox/");
    }

    @Override
    public void serve(HttpExchange exchange, byte[] body, SandboxHttpServer.Calls calls)
        throws IOException {
      String path = exchange.getRequestURI().getPath().substring("/_sandbox/".length());
      if (path.startsWith("task-http/")) {
        serveApp(exchange, path.substring("task-http/".length()));
        return;
      }
      Optional<JsonNode> answer =
          switch (path) {
            case "health" -> Optional.of(Json.object().put("status", "UP"));
            case "calls" -> Optional.of(callsJson());
            case "calls/reset" -> {
              // POST only: a GET (a browser's prefetch, a crawler) must never wipe a measurement.
              if (!exchange.getRequestMethod().equals("POST")) {
                yield Optional.empty();
              }
              ledger.reset();
              yield Optional.of(Json.object().put("reset", true));
            }
            case "ledger" -> Optional.of(ledgerJson(exchange.getRequestURI().getQuery()));
            case "address-map" -> {
              ObjectNode map = Json.object();
              addressMap().forEach((k, v) -> map.put(k, v.toString()));
              yield Optional.of(map);
            }
            default -> taskMetadata(path);
          };
      if (answer.isEmpty()) {
        SandboxHttpServer.send(
            exchange, 404, "text/plain", ("not found: " + path).getBytes(StandardCharsets.UTF_8));
      } else {
        SandboxHttpServer.send(
            exchange, 200, "application/json", Json.MAPPER.writeValueAsBytes(answer.get()));
      }
    }

    /** {@code ip:port/rest}: a GET of {@code /rest} on that port of the task's app. */
    private void serveApp(HttpExchange exchange, String address) throws IOException {
      int slash = address.indexOf('/');
      String hostPort = slash < 0 ? address : address.substring(0, slash);
      String rest = slash < 0 ? "/" : address.substring(slash);
      String query = exchange.getRequestURI().getRawQuery();
      int colon = hostPort.lastIndexOf(':');
      Optional<WorkloadSimulator.HttpAnswer> answer = Optional.empty();
      if (colon > 0) {
        try {
          int port = Integer.parseInt(hostPort.substring(colon + 1));
          String ip = hostPort.substring(0, colon);
          String path = query == null ? rest : rest + "?" + query;
          answer = inWorld(() -> workload.httpGet(ip, port, path, clock.instant()));
        } catch (NumberFormatException e) {
          answer = Optional.empty();
        }
      }
      if (answer.isEmpty()) {
        // Nothing listens there: as a connection refused would be, in one status.
        SandboxHttpServer.send(
            exchange, 502, "text/plain", "nothing listens on %s".formatted(hostPort).getBytes());
        return;
      }
      SandboxHttpServer.send(
          exchange,
          answer.get().status(),
          "text/plain",
          answer.get().body().getBytes(StandardCharsets.UTF_8));
    }

    private Optional<JsonNode> taskMetadata(String path) {
      String[] parts = path.split("/");
      if (parts.length < 3 || !parts[0].equals("task-metadata") || !parts[2].equals("task")) {
        return Optional.empty();
      }
      String ip = parts[1];
      boolean stats = parts.length == 4 && parts[3].equals("stats");
      return inWorld(
          () -> stats ? workload.taskStats(ip, clock.instant()) : workload.taskMetadata(ip));
    }

    /** Every call with its time, oldest first; {@code ?since=EPOCH_MILLIS} for the newer ones. */
    private JsonNode ledgerJson(String query) {
      long since = 0;
      if (query != null && query.startsWith("since=")) {
        try {
          since = Long.parseLong(query.substring("since=".length()));
        } catch (NumberFormatException e) {
          since = 0;
        }
      }
      ArrayNode array = Json.array();
      for (CallLedger.Entry e : ledger.since(java.time.Instant.ofEpochMilli(since))) {
        ObjectNode entry =
            array
                .addObject()
                .put("at", e.at().toEpochMilli())
                .put("service", e.key().service())
                .put("operation", e.key().operation())
                .put("outcome", e.key().outcome());
        if (!e.subject().isEmpty()) {
          entry.put("subject", e.subject());
        }
      }
      ObjectNode json = Json.object();
      json.set("calls", array);
      return json;
    }

    private JsonNode callsJson() {
      ArrayNode array = Json.array();
      ledger
          .snapshot()
          .forEach(
              (k, v) ->
                  array
                      .addObject()
                      .put("service", k.service())
                      .put("operation", k.operation())
                      .put("outcome", k.outcome())
                      .put("count", v));
      ObjectNode json = Json.object();
      json.set("calls", array);
      return json;
    }
  }
}
