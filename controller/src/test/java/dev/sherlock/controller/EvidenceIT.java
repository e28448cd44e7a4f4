package dev.sherlock.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sherlock.finding.Finding;
import dev.sherlock.finding.FindingJson;
import dev.sherlock.finding.FindingKind;
import dev.sherlock.sandbox.faults.FaultInjector;
import dev.sherlock.sandbox.workload.Scenario;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Metric triggers and snapshots: the CPU-spike story, secrets, and a throttled Logs API. */
class EvidenceIT {
  @TempDir Path root;
  private ControllerWorld world;

  @AfterEach
  void stop() {
    if (world != null) {
      world.close();
    }
  }

  private static final String CPU_POLICY =
      """
      apiVersion: sherlock.dev/v1alpha1
      kind: DebugPolicy
      metadata: {name: cpu-evidence}
      spec:
        target: {cluster: mysfits, services: [like-service]}
        triggers:
          - metric: {namespace: AWS/ECS, name: CPUUtilization, statistic: Average, above: 80, for: 5m}
        actions:
          - setEnvironment: {container: like-service, variables: {LOGLEVEL: DEBUG}}
          - attachSidecar:
              name: metadata-proxy
              image: public.ecr.aws/sherlock/metadata-proxy:1.0.0
              memory: 64
              portMappings: [{containerPort: 8001, protocol: tcp}]
          - captureSnapshot: {logs: {lines: 50}}
        session: {duration: 30m}
      """;

  @Test
  void aCpuSpikeFiresAfterItsWindowAndTheSnapshotHoldsTheEvidence() throws Exception {
    world = new ControllerWorld(root, Map.of("sherlock.findings-bus", "sherlock-findings"));
    world.policy("cpu.yaml", CPU_POLICY);
    String feed = findingsFeed();
    plantCanaryInTheEnvironment();
    world.start();
    world.advanceUntil(Duration.ofSeconds(10), () -> world.controller.lastResync().isPresent());

    Instant spike = world.sandbox.now();
    world
        .sandbox
        .scenario()
        .add(new Scenario.CpuSpike("mysfits", "like-service", spike, Duration.ofHours(1), 95));
    plantCanaryInTheLogs();
    world.advanceUntil(
        Duration.ofSeconds(20), () -> !world.findings(FindingKind.Snapshot).isEmpty());

    Finding fired = world.findings(FindingKind.TriggerFired).getFirst();
    assertThat(Duration.between(spike, fired.time()))
        .as("the breach must hold for 5m")
        .isGreaterThanOrEqualTo(Duration.ofMinutes(5));
    assertThat(fired.summary()).contains("AWS/ECS CPUUtilization Average above 80 for 5m");
    assertThat(fired.evidence().path("datapoints").size()).isGreaterThanOrEqualTo(5);

    JsonNode parts = world.findings(FindingKind.Snapshot).getFirst().evidence().path("parts");
    assertThat(parts.path("stoppedTasks").path("data"))
        .isNotEmpty()
        .allSatisfy(
            t -> assertThat(t.path("stopCode").asText()).isEqualTo("ServiceSchedulerInitiated"));
    assertThat(parts.path("tasks").path("data")).hasSize(2);
    assertThat(parts.path("serviceEvents").path("data").toString()).contains("has started");
    assertThat(parts.path("deployments").path("status").asText()).isEqualTo("ok");
    assertThat(parts.path("metrics").path("data").get(0).path("metric").asText())
        .isEqualTo("CPUUtilization");
    assertThat(parts.path("metrics").path("data").get(0).path("datapoints").toString())
        .contains("95");
    assertThat(parts.path("logs").path("data").toString())
        .as("at DEBUG the cause shows")
        .contains("WARN: chaos mode injected");
    JsonNode stats = parts.path("taskStats").path("data");
    assertThat(stats)
        .hasSize(2)
        .allSatisfy(
            t ->
                assertThat(t.path("containers"))
                    .anySatisfy(
                        c -> {
                          assertThat(c.path("name").asText()).isEqualTo("like-service");
                          assertThat(c.path("cpuPercent").asDouble()).isGreaterThan(90);
                          assertThat(c.path("memoryMiB").asLong()).isPositive();
                        }));

    List<String> all = new ArrayList<>();
    world.findings(null).forEach(f -> all.add(FindingJson.of(f).toString()));
    assertThat(String.join("\n", all))
        .doesNotContain("canary-env-7")
        .doesNotContain("canary-log-9");
    assertThat(parts.path("logs").path("data").toString()).contains("token=(redacted)");

    List<String> published = receive(feed, 4);
    assertThat(published)
        .anyMatch(e -> e.contains("\"detail-type\":\"Snapshot\""))
        .anyMatch(e -> e.contains("\"detail-type\":\"TriggerFired\""))
        .allMatch(e -> e.contains("\"source\":\"sherlock\""));
  }

  @Test
  void withTheLogsApiThrottledTheSnapshotKeepsEveryOtherPart() {
    world = new ControllerWorld(root);
    world.policy(
        "oom.yaml",
        ControllerWorld.oomPolicy(
            "oom-evidence",
            "- captureSnapshot: {include: [stoppedTasks, serviceEvents, deployments, logs]}",
            ""));
    world.sandbox.faults().inject("logs", new FaultInjector.Faults(1.0, 0, Duration.ZERO));
    world.start();
    world
        .sandbox
        .scenario()
        .add(new Scenario.OomKill("mysfits", "like-service", Duration.ofSeconds(5)));
    world.advanceUntil(
        Duration.ofSeconds(5), () -> !world.findings(FindingKind.Snapshot).isEmpty());

    Finding snapshot = world.findings(FindingKind.Snapshot).getFirst();
    JsonNode parts = snapshot.evidence().path("parts");
    assertThat(snapshot.summary()).endsWith("(1 part failed)");
    assertThat(parts.path("logs").path("status").asText()).isEqualTo("failed");
    assertThat(parts.path("logs").path("error").asText()).contains("Rate exceeded");
    assertThat(parts.path("stoppedTasks").path("data"))
        .isNotEmpty()
        .anySatisfy(
            t -> assertThat(t.path("containers").get(0).path("exitCode").asInt()).isEqualTo(137));
    assertThat(parts.path("serviceEvents").path("status").asText()).isEqualTo("ok");
  }

  /** policies/oom-snapshot.yaml keeps the lines that matter: its filter pattern reaches Logs. */
  @Test
  void theLogsPartKeepsOnlyWhatTheFilterPatternMatches() {
    world = new ControllerWorld(root);
    world.policy(
        "oom.yaml",
        ControllerWorld.oomPolicy(
            "oom-evidence",
            "- captureSnapshot: {include: [logs], logs: {lines: 20, filterPattern: \"?ERROR ?WARN\"}}",
            ""));
    world.start();
    world.sandbox.advance(Duration.ofMinutes(2)); // the app has logged for a while
    world
        .sandbox
        .scenario()
        .add(new Scenario.OomKill("mysfits", "like-service", Duration.ofSeconds(5)));
    world.advanceUntil(
        Duration.ofSeconds(5), () -> !world.findings(FindingKind.Snapshot).isEmpty());

    JsonNode logs =
        world.findings(FindingKind.Snapshot).getFirst().evidence().path("parts").path("logs");
    assertThat(logs.path("status").asText()).isEqualTo("ok");
    assertThat(world.sandbox.calls().count("logs", "FilterLogEvents", "ok")).isPositive();
    List<String> lines = new java.util.ArrayList<>();
    logs.path("data").findValues("message").forEach(m -> lines.add(m.asText()));
    assertThat(lines).allMatch(l -> l.contains("ERROR") || l.contains("WARN"));
  }

  /**
   * The X-Ray story: the policy attaches the daemon, waits for traces to gather, and the snapshot's
   * traces part names where the slow requests' time went - the chaos delay - for the diagnosis.
   */
  @Test
  void theTracesPartShowsWhereTheSlowRequestsTimeWent() {
    world = new ControllerWorld(root);
    world.policy(
        "traces.yaml",
        """
        apiVersion: sherlock.dev/v1alpha1
        kind: DebugPolicy
        metadata: {name: cpu-traces}
        spec:
          target: {cluster: mysfits, services: [like-service]}
          triggers:
            - metric: {namespace: AWS/ECS, name: CPUUtilization, statistic: Average, above: 80, for: 2m}
          actions:
            - attachSidecar:
                name: xray-daemon
                image: public.ecr.aws/xray/aws-xray-daemon:3.3.7
                memory: 256
                portMappings: [{containerPort: 2000, protocol: udp}]
            - captureSnapshot: {include: [logs, traces], after: 2m}
          session: {duration: 30m}
        """);
    world.start();
    world.advanceUntil(Duration.ofSeconds(10), () -> world.controller.lastResync().isPresent());
    world
        .sandbox
        .scenario()
        .add(
            new Scenario.CpuSpike(
                "mysfits", "like-service", world.sandbox.now(), Duration.ofHours(1), 95));
    world.advanceUntil(
        Duration.ofSeconds(10), () -> !world.findings(FindingKind.Snapshot).isEmpty());

    Instant applied = world.findings(FindingKind.ActionApplied).getFirst().time();
    Finding snapshot = world.findings(FindingKind.Snapshot).getFirst();
    assertThat(Duration.between(applied, snapshot.time()))
        .as("taken 2m after the changes are live")
        .isGreaterThanOrEqualTo(Duration.ofMinutes(2));
    JsonNode traces = snapshot.evidence().path("parts").path("traces");
    assertThat(traces.path("status").asText()).isEqualTo("ok");
    JsonNode data = traces.path("data");
    assertThat(data.path("filter").asText())
        .isEqualTo("service(\"like-service\") AND (responsetime > 1.0 OR error OR fault)");
    assertThat(data.path("matched").asInt()).isPositive();
    assertThat(data.path("slowest"))
        .hasSizeBetween(1, 5)
        .allSatisfy(
            t -> {
              assertThat(t.path("seconds").asDouble()).isGreaterThan(1);
              assertThat(t.path("where").path("name").asText()).isNotEmpty();
            })
        .anySatisfy(
            t -> {
              assertThat(t.path("where").path("name").asText()).isEqualTo("chaos-delay");
              assertThat(t.path("where").path("share").asInt()).isGreaterThan(50);
            });
    assertThat(world.sandbox.calls().count("xray", "GetTraceSummaries", "ok")).isEqualTo(1);
    assertThat(world.sandbox.calls().count("xray", "BatchGetTraces", "ok"))
        .as("the worst ten, five a call")
        .isBetween(1L, 2L);

    world.awaitUntil(() -> !world.findings(FindingKind.Diagnosis).isEmpty());
    Finding diagnosis = world.findings(FindingKind.Diagnosis).getFirst();
    assertThat(diagnosis.evidence().path("causes").get(0).path("evidence").toString())
        .contains("\"part\":\"traces\"")
        .contains("chaos-delay");
  }

  /** Each task's status page is a part; one that does not answer is recorded, not fatal. */
  @Test
  void eachTasksStatusPageIsAPartAndASilentTaskIsRecorded() {
    world = new ControllerWorld(root);
    world.policy(
        "pages.yaml",
        """
        apiVersion: sherlock.dev/v1alpha1
        kind: DebugPolicy
        metadata: {name: pages}
        spec:
          target: {cluster: mysfits, services: [like-service]}
          triggers:
            - restarts: {count: 50, within: 10m}
          actions:
            - captureStatusPage: {path: /server-status, port: 80, maxBytes: 64KiB}
            - captureStatusPage: {path: /server-status, port: 9999, timeout: 1s}
          session: {duration: 30m}
        """);
    world.policy(
        "look.yaml",
        """
        apiVersion: sherlock.dev/v1alpha1
        kind: DebugSession
        metadata: {name: look}
        spec:
          policy: pages
          target: {cluster: mysfits, service: like-service}
          duration: 20m
          reason: a look at the status pages
        """);
    world.start();
    world.advanceUntil(
        Duration.ofSeconds(5), () -> world.findings(FindingKind.Snapshot).size() >= 2);

    Finding pages =
        world.findings(FindingKind.Snapshot).stream()
            .filter(f -> f.summary().contains(":80/"))
            .findFirst()
            .orElseThrow();
    assertThat(pages.summary())
        .matches("status pages of like-service: GET :80/server-status from (\\d) of \\1 tasks");
    JsonNode parts = pages.evidence().path("parts");
    assertThat(parts.size()).isPositive();
    parts.forEach(
        part -> {
          assertThat(part.path("status").asText()).isEqualTo("ok");
          assertThat(part.path("data").path("status").asInt()).isEqualTo(200);
          assertThat(part.path("data").path("lines").toString())
              .contains("BusyWorkers:")
              .contains("postgres://mysfits:(redacted)@mysfits-db")
              .doesNotContain("canary-db-pw");
        });

    Finding silent =
        world.findings(FindingKind.Snapshot).stream()
            .filter(f -> f.summary().contains(":9999/"))
            .findFirst()
            .orElseThrow();
    assertThat(silent.summary()).contains("from 0 of");
    silent
        .evidence()
        .path("parts")
        .forEach(
            part -> {
              assertThat(part.path("status").asText()).isEqualTo("failed");
              assertThat(part.path("error").asText()).isNotBlank();
            });
  }

  /** A rule on the findings bus feeding a queue: what a chat integration would read. */
  private String findingsFeed() {
    try (EventBridgeClient events = client(EventBridgeClient.builder());
        SqsClient sqs = client(SqsClient.builder())) {
      String url = sqs.createQueue(b -> b.queueName("findings-feed")).queueUrl();
      events.createEventBus(b -> b.name("sherlock-findings"));
      events.putRule(
          b ->
              b.name("all-findings")
                  .eventBusName("sherlock-findings")
                  .eventPattern("{\"source\": [\"sherlock\"]}"));
      events.putTargets(
          b ->
              b.rule("all-findings")
                  .eventBusName("sherlock-findings")
                  .targets(
                      t -> t.id("feed").arn("arn:aws:sqs:us-east-1:123456789012:findings-feed")));
      return url;
    }
  }

  private List<String> receive(String url, int atLeast) {
    List<String> bodies = new ArrayList<>();
    try (SqsClient sqs = client(SqsClient.builder())) {
      world.awaitUntil(
          () -> {
            sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1))
                .messages()
                .forEach(m -> bodies.add(m.body()));
            return bodies.size() >= atLeast;
          });
    }
    return bodies;
  }

  private void plantCanaryInTheEnvironment() {
    var base = world.revision("like-service:1").taskDefinition();
    var app =
        base.containerDefinitions().getFirst().toBuilder()
            .environment(
                e -> e.name("LOGLEVEL").value("ERROR"),
                e -> e.name("CHAOSMODE").value("on"),
                e -> e.name("DB_PASSWORD").value("canary-env-7"))
            .build();
    var withSecret =
        world
            .ecs
            .registerTaskDefinition(
                b ->
                    b.family(base.family())
                        .networkMode(base.networkMode())
                        .requiresCompatibilities(base.requiresCompatibilities())
                        .cpu(base.cpu())
                        .memory(base.memory())
                        .containerDefinitions(app))
            .taskDefinition();
    world.ecs.updateService(
        b ->
            b.cluster("mysfits")
                .service("like-service")
                .taskDefinition(withSecret.taskDefinitionArn()));
    world.advanceUntil(
        Duration.ofSeconds(10), () -> world.service("like-service").deployments().size() == 1);
    assertThat(
            world
                .revision(world.service("like-service").taskDefinition())
                .taskDefinition()
                .containerDefinitions()
                .getFirst()
                .environment())
        .contains(KeyValuePair.builder().name("DB_PASSWORD").value("canary-env-7").build());
  }

  private void plantCanaryInTheLogs() {
    try (CloudWatchLogsClient logs = client(CloudWatchLogsClient.builder())) {
      var arns =
          world
              .ecs
              .listTasks(
                  b ->
                      b.cluster("mysfits")
                          .serviceName("like-service")
                          .desiredStatus(DesiredStatus.RUNNING))
              .taskArns();
      for (String arn : arns) {
        String stream = "like/like-service/" + arn.substring(arn.lastIndexOf('/') + 1);
        try {
          logs.createLogStream(
              b -> b.logGroupName("/ecs/mysfits/like-service").logStreamName(stream));
        } catch (
            software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException e) {
          // the task has logged already
        }
        logs.putLogEvents(
            b ->
                b.logGroupName("/ecs/mysfits/like-service")
                    .logStreamName(stream)
                    .logEvents(
                        e ->
                            e.timestamp(world.sandbox.now().toEpochMilli())
                                .message(
                                    "ERROR: upstream rejected token=canary-log-9 for user 42")));
      }
    }
  }

  private <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, C>, C>
      C client(B builder) {
    return builder
        .endpointOverride(world.sandbox.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .build();
  }
}
