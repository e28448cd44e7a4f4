package dev.sherlock.controller;

import static org.awaitility.Awaitility.await;

import dev.sherlock.aws.CallCounter;
import dev.sherlock.deploy.CallInventory;
import dev.sherlock.finding.Finding;
import dev.sherlock.finding.FindingKind;
import dev.sherlock.sandbox.MysfitsWorld;
import dev.sherlock.sandbox.Sandbox;
import dev.sherlock.sandbox.workload.Scenario;
import dev.sherlock.session.Session;
import dev.sherlock.session.Sessions;
import dev.sherlock.store.DynamoDbTables;
import dev.sherlock.store.FindingStore;
import dev.sherlock.store.TestDynamoDb;
import io.micronaut.context.ApplicationContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableDimension;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionField;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A test world: the sandbox on a virtual clock with the Mysfits shop, the EventBridge rule and SQS
 * queue that {@code sherlock install} creates, a policy directory, and the controller as {@code
 * sherlock run} builds it - Micronaut context, real SDK clients, SQLite store.
 */
final class ControllerWorld implements AutoCloseable {
  static final Instant START = Instant.parse("2026-11-20T09:00:00Z");
  static final String QUEUE = "sherlock-ecs-events";

  final Sandbox sandbox;
  final Path policies;
  final Path data;
  final EcsClient ecs;
  private final Map<String, Object> extra;
  ApplicationContext context;
  Controller controller;

  ControllerWorld(Path root, Map<String, Object> extra) {
    this.extra = extra;
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    sandbox = Sandbox.builder().virtualClock(START).start();
    MysfitsWorld.seed(sandbox);
    sandbox.advance(Duration.ofSeconds(30));
    policies = root.resolve("policies");
    data = root.resolve("data");
    try {
      Files.createDirectories(policies);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // The test's own look at ECS must not be what a test of injected throttling trips on: with
    // 30% of calls throttled, four attempts still fail one look in 120.
    ecs =
        client(
            EcsClient.builder()
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(12))));
    try (SqsClient sqs = client(SqsClient.builder());
        EventBridgeClient events = client(EventBridgeClient.builder())) {
      String url = sqs.createQueue(b -> b.queueName(QUEUE)).queueUrl();
      events.putRule(
          b ->
              b.name("sherlock-ecs")
                  .eventPattern(
                      """
          {"source": ["aws.ecs"], "detail-type": ["ECS Task State Change", "ECS Service Action", "ECS Deployment State Change"]}"""));
      events.putTargets(
          b ->
              b.rule("sherlock-ecs")
                  .targets(
                      t -> t.id("sherlock").arn("arn:aws:sqs:us-east-1:123456789012:" + QUEUE)));
    }
  }

  ControllerWorld(Path root) {
    this(root, Map.of());
  }

  /** The tables of the shared store, in the sandbox's DynamoDB. */
  static final DynamoDbTables SHARED = new DynamoDbTables("shared");

  /**
   * A world whose controller is a replica on the shared store ({@link #SHARED}, created here), with
   * a short lease: as `sherlock run --store dynamodb` runs it.
   */
  static ControllerWorld onTheSharedStore(Path root) {
    ControllerWorld world =
        new ControllerWorld(
            root,
            Map.of(
                "sherlock.store.kind", "dynamodb",
                "sherlock.store.table", "shared",
                "sherlock.lease.duration", "4s",
                "sherlock.lease.heartbeat", "1s"));
    try (DynamoDbClient dynamo = TestDynamoDb.client(world.sandbox)) {
      SHARED.create(dynamo);
    }
    return world;
  }

  void policy(String file, String yaml) {
    try {
      Files.writeString(policies.resolve(file), yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts Sherlock as `sherlock run` would, pointed at the sandbox, and waits until ready. */
  Controller start() {
    startWithoutWaiting();
    // As a user waits for readiness: the first resync (with recovery) has run, reconciles start.
    awaitUntil(() -> controller.progress().ready());
    return controller;
  }

  /** Starts Sherlock; its first resync, recovery and the rest of start-up run on their own. */
  Controller startWithoutWaiting() {
    Map<String, Object> properties = new HashMap<>();
    properties.put("sherlock.aws.endpoint", sandbox.endpoint().toString());
    properties.put("sherlock.aws.region", "us-east-1");
    properties.put("sherlock.policies", policies.toString());
    properties.put("sherlock.data-dir", data.toString());
    properties.put("sherlock.sqs-wait", "1s");
    properties.put("sherlock.resync-interval", "1m");
    // Tasks' metadata proxies are reached the way the sandbox maps them.
    properties.put("sherlock.task-address-map", sandbox.endpoint() + "/_sandbox/address-map");
    properties.putAll(extra);
    context =
        ApplicationContext.builder().properties(properties).singletons(sandbox.clock()).start();
    controller = context.getBean(Controller.class);
    controller.start();
    return controller;
  }

  /** Stops Sherlock (as a crash would, without cleaning up anything in AWS). */
  void stop() {
    if (context != null) {
      controller.close();
      // After closing: stopping makes calls too (a replica gives its lease up).
      CallInventory.record(context.getBean(CallCounter.class).snapshot().keySet());
      context.close();
      context = null;
    }
  }

  /** Deletes the store's files, as a new task without the old one's disk would find it. */
  void deleteStore() throws IOException {
    try (var files = Files.list(data)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
  }

  /** Moves virtual time in steps until the condition holds (real time bounded by Awaitility). */
  void advanceUntil(Duration step, BooleanSupplier condition) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              if (condition.getAsBoolean()) {
                return true;
              }
              sandbox.advance(step);
              return false;
            });
  }

  /** Waits (real time) without moving the virtual clock. */
  void awaitUntil(BooleanSupplier condition) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(condition::getAsBoolean);
  }

  Service service(String name) {
    return ecs.describeServices(b -> b.cluster(MysfitsWorld.CLUSTER).services(name))
        .services()
        .getFirst();
  }

  DescribeTaskDefinitionResponse revision(String arn) {
    return ecs.describeTaskDefinition(b -> b.taskDefinition(arn).include(TaskDefinitionField.TAGS));
  }

  String runningRevision(String service) {
    String arn = service(service).taskDefinition();
    return arn.substring(arn.lastIndexOf('/') + 1);
  }

  List<Session> sessions() {
    return context.getBean(Sessions.class).active();
  }

  List<Finding> findings(FindingKind kind) {
    return context
        .getBean(FindingStore.class)
        .query(
            new FindingStore.Query(
                java.util.Optional.empty(),
                java.util.Optional.empty(),
                java.util.Optional.empty(),
                java.util.Optional.ofNullable(kind),
                java.util.Optional.empty(),
                java.util.Optional.empty(),
                1000));
  }

  <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, C>, C> C client(
      B builder) {
    return builder
        .endpointOverride(sandbox.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .build();
  }

  @Override
  public void close() {
    stop();
    ecs.close();
    sandbox.close();
  }

  /** A policy that fires when a task of like-service is OOM-killed: easy to cause on demand. */
  static String oomPolicy(String name, String actions, String extra) {
    return """
        apiVersion: sherlock.dev/v1alpha1
        kind: DebugPolicy
        metadata: {name: %s}
        spec:
          target: {cluster: mysfits, services: [like-service]}
          triggers:
            - taskStopped: {exitCodes: [137]}
          actions:
        %s
          session: {duration: 30m, cooldown: 2h}
        %s
        """
        .formatted(name, actions.indent(4).stripTrailing(), extra);
  }

  /** A DebugSession document in git running the debug-logs policy on like-service. */
  static String debugSession(String name, String duration, String reason) {
    return """
        apiVersion: sherlock.dev/v1alpha1
        kind: DebugSession
        metadata: {name: %s}
        spec:
          policy: debug-logs
          target: {cluster: mysfits, service: like-service}
          duration: %s
          reason: %s
        """
        .formatted(name, duration, reason);
  }

  static final String DEBUG_LOGS =
      "- setEnvironment: {container: like-service, variables: {LOGLEVEL: DEBUG}}";

  /** OOM-kills a task of the service once, and waits until a session is open. */
  void oomOnce(String service) {
    sandbox.scenario().add(new Scenario.OomKill("mysfits", service, Duration.ofSeconds(5)));
    advanceUntil(Duration.ofSeconds(5), () -> !sessions().isEmpty());
    sandbox.scenario().clear();
  }

  /**
   * monolith under an Application Auto Scaling target (minimum 2, maximum 3), and a policy that
   * raises its floor to 4 for 30 minutes when one of its tasks is OOM-killed.
   */
  ApplicationAutoScalingClient scalableMonolith() {
    ApplicationAutoScalingClient autoScaling = client(ApplicationAutoScalingClient.builder());
    autoScaling.registerScalableTarget(
        b ->
            b.serviceNamespace(ServiceNamespace.ECS)
                .resourceId("service/mysfits/monolith")
                .scalableDimension(ScalableDimension.ECS_SERVICE_DESIRED_COUNT)
                .minCapacity(2)
                .maxCapacity(3));
    policy(
        "capacity.yaml",
        """
        apiVersion: sherlock.dev/v1alpha1
        kind: DebugPolicy
        metadata: {name: monolith-capacity}
        spec:
          target: {cluster: mysfits, services: [monolith]}
          triggers: [{taskStopped: {exitCodes: [137]}}]
          actions: [{scaleCapacity: {minAtLeast: 4}}]
          session: {duration: 30m}
        """);
    return autoScaling;
  }

  static ScalableTarget target(ApplicationAutoScalingClient autoScaling) {
    return autoScaling
        .describeScalableTargets(b -> b.serviceNamespace(ServiceNamespace.ECS))
        .scalableTargets()
        .getFirst();
  }

  static final String CRASH_LOOP_POLICY =
      """
      apiVersion: sherlock.dev/v1alpha1
      kind: DebugPolicy
      metadata: {name: like-crashloop}
      spec:
        target: {cluster: mysfits, services: [like-service]}
        triggers:
          - restarts: {count: 3, within: 10m}
        actions:
          - setEnvironment: {container: like-service, variables: {LOGLEVEL: DEBUG}}
          - attachSidecar:
              name: xray-daemon
              image: public.ecr.aws/xray/aws-xray-daemon:3.3.7
              memory: 256
              portMappings: [{containerPort: 2000, protocol: udp}]
        session: {duration: 30m, cooldown: 2h}
      """;
}
