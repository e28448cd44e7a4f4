package dev.sherlock.blackbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceField;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code sherlock run} as a platform team runs it, every step a separate process started the way
 * the README says: {@code ./sherlock sandbox} in one, {@code ./sherlock install} and {@code
 * ./sherlock run} in others, then {@code ./sherlock debug} and {@code ./sherlock findings} against
 * its API, {@code /health/readiness} and {@code /metrics} over HTTP, a SIGTERM, and a restart.
 */
class DaemonIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Launcher SHERLOCK = new Launcher();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static Launcher.Running sandbox;
  private static String endpoint;

  @TempDir Path dir;

  @BeforeAll
  static void startSandbox() {
    sandbox = SHERLOCK.start("sandbox", "--seed", "mysfits", "--port", "0");
    endpoint = Launcher.endpointOf(sandbox);
    Launcher.Exit install =
        SHERLOCK.run("install", "--endpoint", endpoint, "--region", "us-east-1");
    assertThat(install.code()).as(install.errText()).isZero();
    assertThat(install.outText()).contains("queue ", "sherlock-ecs-events", "rule ");
  }

  @AfterAll
  static void stopSandbox() {
    sandbox.close();
  }

  @Test
  void servesItsApiLogsFindingsAndStopsCleanly() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "s3cret-token\n");
    Path data = dir.resolve("data");
    Path recording = dir.resolve("recording.jsonl");
    String[] run = {
      "run",
      "--endpoint",
      endpoint,
      "--region",
      "us-east-1",
      "--policies",
      "policies",
      "--data-dir",
      data.toString(),
      "--port",
      "0",
      "--token-file",
      token.toString(),
      "--log-format",
      "json",
      "--record",
      recording.toString()
    };
    String api;
    try (Launcher.Running daemon = SHERLOCK.start(run)) {
      JsonNode started = json(daemon.awaitLine(l -> l.contains("\"api\":"), Duration.ofMinutes(1)));
      api = started.path("api").asText();
      assertThat(started.path("level").asText()).isEqualTo("INFO");
      assertThat(started.path("mode").asText()).isEqualTo("ENFORCE");
      assertThat(started.path("region").asText()).isEqualTo("us-east-1");
      assertThat(started.path("endpoint").asText()).isEqualTo(endpoint);
      assertThat(started.path("queue").asText()).isEqualTo("sherlock-ecs-events");
      assertThat(started.path("policies").asInt()).isEqualTo(6);
      assertThat(started.path("version").asText()).isNotBlank();
      assertThat(api).startsWith("http://127.0.0.1:");

      awaitReadiness(api);
      assertThat(json(get(api + "/health/readiness").body()).path("status").asText())
          .isEqualTo("UP");
      assertThat(get(api + "/health/liveness").statusCode()).isEqualTo(200);
      assertThat(get(api + "/metrics").body())
          .contains(
              "sherlock_findings_total",
              "sherlock_sessions_active",
              "sherlock_aws_budget_rate{budget=\"ecs.service-modify\"");
      // The console is served by `run` too, with the API it reads.
      HttpResponse<String> console = get(api + "/");
      assertThat(console.statusCode()).isEqualTo(200);
      assertThat(console.body()).contains("<script src=\"/console/app.js\"");
      assertThat(console.headers().firstValue("Content-Security-Policy"))
          .get()
          .asString()
          .contains("script-src 'self'");
      assertThat(get(api + "/api/services").body()).contains("\"service\":\"like-service\"");

      // The incident session declared in git (policies/inc-4711.yaml) opens, logged as JSON.
      daemon.awaitLine(
          l -> l.contains("\"kind\":\"SessionOpened\"") && l.contains("git-inc-4711"),
          Duration.ofMinutes(1));

      // A responder opens, extends and ends a session by hand.
      Launcher responder = SHERLOCK.with("SHERLOCK_API_TOKEN", "s3cret-token");
      Launcher.Exit opened = openOnMonolith(responder, api, "INC-1 by hand", "--duration", "10m");
      assertThat(opened.code()).as(opened.errText()).isZero();
      String id = opened.outText().split("\\s+")[0];
      assertThat(id).startsWith("s-");
      assertThat(opened.outText()).contains("ACTIVE", "mysfits/monolith", "INC-1 by hand");

      Launcher.Exit listed = SHERLOCK.run("debug", "list", "--api", api);
      assertThat(listed.code()).isZero();
      assertThat(listed.outText()).contains(id, "git-inc-4711");

      Launcher.Exit extended = responder.run("debug", "extend", id, "--by", "15m", "--api", api);
      assertThat(extended.code()).as(extended.errText()).isZero();

      Launcher.Exit unauthorised = SHERLOCK.run("debug", "end", id, "--api", api);
      assertThat(unauthorised.code()).isEqualTo(1);
      assertThat(unauthorised.errText()).contains("token");

      Launcher.Exit ended = responder.run("debug", "end", id, "--api", api);
      assertThat(ended.code()).as(ended.errText()).isZero();
      assertThat(ended.outText()).contains(id, "ENDED");

      await("monolith reverted")
          .atMost(Duration.ofMinutes(1))
          .until(
              () ->
                  SHERLOCK
                      .run("findings", "--api", api, "--kind", "ActionReverted")
                      .outText()
                      .contains("monolith back on monolith:1"));
      Launcher.Exit sessionsJson = SHERLOCK.run("debug", "list", "--api", api, "--output", "json");
      assertThat(sessionsJson.out())
          .anySatisfy(l -> assertThat(json(l).path("id").asText()).isEqualTo(id));
      Launcher.Exit recent =
          SHERLOCK.run(
              "findings",
              "--api",
              api,
              "--policy",
              "like-5xx-xray",
              "--cluster",
              "mysfits",
              "--since",
              "1h",
              "--limit",
              "2",
              "--follow",
              "--for",
              "2s");
      assertThat(recent.code()).as(recent.errText()).isZero();
      assertThat(recent.out()).isNotEmpty().allMatch(l -> l.contains("mysfits/monolith"));
      Launcher.Exit findings = SHERLOCK.run("findings", "--api", api, "--service", "monolith");
      assertThat(findings.code()).isZero();
      assertThat(findings.outText())
          .contains("SessionOpened", "SessionEnded", "ActionApplied", "ActionReverted");
      assertThat(daemon.out()).anyMatch(l -> l.contains("\"kind\":\"SessionEnded\""));

      recordCalls(api);
      Launcher.Exit health = SHERLOCK.run("health", "--port", port(api));
      assertThat(health.code()).as(health.errText()).isZero();
      assertThat(health.outText()).contains("\"status\":\"UP\"");
      assertThat(SHERLOCK.run("health", "--port", port(api), "--readiness").code()).isZero();

      Launcher.Exit stopped = daemon.terminate(Duration.ofSeconds(60));
      assertThat(stopped.code()).as("exit code after SIGTERM").isZero();
      assertThat(stopped.out().getLast())
          .as("exit %d; err %s", stopped.code(), stopped.err())
          .contains("\"message\":\"stopped\"");
      assertNoStackTrace(stopped);
      assertThat(stopped.out()).allMatch(DaemonIT::isJson);
    }

    // A restart on the same store resumes: the git session is not opened a second time.
    try (Launcher.Running again = SHERLOCK.start(run)) {
      String api2 = awaitReady(again);
      Launcher.Exit opened =
          SHERLOCK.run("findings", "--api", api2, "--kind", "SessionOpened", "--output", "json");
      assertThat(opened.out().stream().filter(l -> l.contains("git-inc-4711"))).hasSize(1);
      assertThat(again.terminate(Duration.ofSeconds(60)).code()).isZero();
    }

    // --record: both runs' events, the second appended to the first's.
    List<JsonNode> recorded = new java.util.ArrayList<>();
    for (String line : Files.readAllLines(recording)) {
      recorded.add(json(line));
    }
    assertThat(recorded.stream().filter(l -> l.path("type").asText().equals("recording")))
        .hasSize(2);
    assertThat(recorded)
        .anySatisfy(
            l -> assertThat(l.path("event").path("detail-type").asText()).startsWith("ECS "));
  }

  /**
   * Someone deletes the queue under a running daemon, then recreates it. (Started without
   * --log-format: with stdout not a terminal, the log is JSON.)
   */
  @Test
  void anOutageIsOneLineEachWayAndReadinessTellsIt() throws Exception {
    Launcher.Exit install =
        SHERLOCK.run(
            "install", "--endpoint", endpoint, "--region", "us-east-1", "--queue", "outage-q");
    assertThat(install.code()).as(install.errText()).isZero();
    try (SqsClient sqs =
            SqsClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("t", "t")))
                .build();
        Launcher.Running daemon =
            SHERLOCK.start(
                "run",
                "--endpoint",
                endpoint,
                "--region",
                "us-east-1",
                "--queue",
                "outage-q",
                "--data-dir",
                dir.resolve("d").toString(),
                "--port",
                "0",
                "--policies",
                "policies")) {
      String api = awaitReady(daemon);

      String url = sqs.getQueueUrl(b -> b.queueName("outage-q")).queueUrl();
      sqs.deleteQueue(b -> b.queueUrl(url));

      await("readiness DOWN")
          .atMost(Duration.ofMinutes(1))
          .until(() -> get(api + "/health/readiness").statusCode() == 503);
      JsonNode down = json(get(api + "/health/readiness").body());
      assertThat(down.path("checks").path("dependencies").path("SQS").path("cause").asText())
          .contains("queue outage-q does not exist; run `sherlock install`");
      sqs.createQueue(b -> b.queueName("outage-q"));
      await("readiness UP again")
          .atMost(Duration.ofMinutes(2))
          .until(() -> get(api + "/health/readiness").statusCode() == 200);

      List<String> lines = daemon.out();
      assertThat(lines.stream().filter(l -> l.contains("SQS is unavailable"))).hasSize(1);
      assertThat(lines.stream().filter(l -> l.contains("SQS is reachable again"))).hasSize(1);
      assertThat(lines).as("JSON when stdout is not a terminal").allMatch(DaemonIT::isJson);
      assertThat(daemon.terminate(Duration.ofSeconds(60)).code()).isZero();
      Launcher.Exit uninstall =
          SHERLOCK.run(
              "uninstall", "--endpoint", endpoint, "--region", "us-east-1", "--queue", "outage-q");
      assertThat(uninstall.outText())
          .isEqualTo("removed rule sherlock-ecs-events and queue outage-q and queue outage-q-dlq");
    } finally {
      // The rule feeds the other tests' queue again.
      SHERLOCK.run("install", "--endpoint", endpoint, "--region", "us-east-1");
    }
  }

  /**
   * A dry run as a person starts it at a terminal: text logs at DEBUG, credentials and region from
   * a named profile, an explicit bind address.
   */
  @Test
  void aDryRunWithAProfileAndTextLogs() throws Exception {
    Path credentials =
        Files.writeString(
            dir.resolve("credentials"),
            "[sandbox]\naws_access_key_id = test\naws_secret_access_key = test\n");
    Path config =
        Files.writeString(dir.resolve("config"), "[profile sandbox]\nregion = us-east-1\n");
    Launcher withProfile =
        SHERLOCK
            .with("AWS_ACCESS_KEY_ID", null)
            .with("AWS_SECRET_ACCESS_KEY", null)
            .with("AWS_SHARED_CREDENTIALS_FILE", credentials.toString())
            .with("AWS_CONFIG_FILE", config.toString());
    try (Launcher.Running daemon =
        withProfile.start(
            "run",
            "--endpoint",
            endpoint,
            "--profile",
            "sandbox",
            "--mode",
            "dryRun",
            "--policies",
            "policies",
            "--data-dir",
            dir.resolve("dry").toString(),
            "--bind",
            "127.0.0.1",
            "--port",
            "0",
            "--log-format",
            "text",
            "--log-level",
            "DEBUG")) {
      String started =
          daemon.awaitLine(l -> l.contains("RunCommand - sherlock"), Duration.ofMinutes(1));
      assertThat(started).contains("running (dry run)").doesNotStartWith("{");
      Matcher at =
          Pattern.compile("API and console on (http://127\\.0\\.0\\.1:\\d+)").matcher(started);
      assertThat(at.find()).isTrue();
      String api = at.group(1);
      awaitReadiness(api);
      // The git session opens as a dry run: a Plan finding, no change.
      daemon.awaitLine(
          l -> l.contains("Plan dry run: session git-inc-4711 would"), Duration.ofMinutes(1));
      assertThat(daemon.terminate(Duration.ofSeconds(60)).code()).isZero();
    }
  }

  /**
   * The uninstall's first step: drain ends the git session and a session opened by hand, waits
   * until ECS runs every service on its base again, and from then on Sherlock opens nothing.
   */
  @Test
  void drainEndsEverySessionAndWaitsUntilEveryServiceIsOnItsBase() throws Exception {
    Launcher responder = SHERLOCK.with("SHERLOCK_API_TOKEN", "drain-token");
    String[] run = {
      "run",
      "--endpoint",
      endpoint,
      "--region",
      "us-east-1",
      "--data-dir",
      dir.resolve("drain").toString(),
      "--port",
      "0",
      "--log-format",
      "json"
    };
    try (Launcher.Running daemon = responder.start(run)) {
      String api = awaitReady(daemon);
      // A fleet of one, as a responder opens one on every service a glob matches, and follows it.
      Launcher.Exit opened =
          responder.run(
              "debug",
              "open",
              "--api",
              api,
              "--policy",
              "like-5xx-xray",
              "--cluster",
              "mysfits",
              "--services",
              "mono*",
              "--max-sessions",
              "5",
              "--reason",
              "before the uninstall",
              "--duration",
              "1h");
      assertThat(opened.code()).as(opened.errText()).isZero();
      assertThat(opened.out().getFirst())
          .matches("fleet f-\\w+: 1 session of like-5xx-xray opened on mysfits/mono\\*");
      assertThat(opened.out().getLast()).matches("fleet f-\\w+: 1 of 1 applied");
      assertThat(taskDefinitionOf("monolith")).doesNotEndWith("monolith:1");
      Launcher.Exit unbounded =
          responder.run(
              "debug",
              "open",
              "--api",
              api,
              "--policy",
              "like-5xx-xray",
              "--cluster",
              "mysfits",
              "--services",
              "*",
              "--reason",
              "no budget given");
      assertThat(unbounded.code()).isEqualTo(1);
      assertThat(unbounded.errText())
          .startsWith("sherlock debug open: error: maxSessions must be a number from 1 to 1000");

      Launcher.Exit unauthorised = SHERLOCK.run("drain", "--api", api);
      assertThat(unauthorised.code()).isEqualTo(1);
      assertThat(unauthorised.errText())
          .startsWith("sherlock drain: error: this needs the API token");

      Launcher.Exit drained = responder.run("drain", "--api", api, "--interval", "1s");

      assertThat(drained.code()).as(drained.errText()).isZero();
      assertThat(drained.out().getFirst()).matches("draining: ended [1-9]\\d* sessions?; .*");
      assertThat(drained.out()).anyMatch(l -> l.startsWith("waiting: ") && l.contains("monolith"));
      assertThat(drained.out().getLast()).startsWith("drained: ");
      for (String name : List.of("monolith", "like-service")) {
        Service service = service(name);
        assertThat(service.taskDefinition()).endsWith(name + ":1");
        assertThat(service.deployments()).hasSize(1);
        assertThat(service.tags()).noneMatch(t -> t.key().startsWith("sherlock:"));
      }
      assertThat(SHERLOCK.run("debug", "list", "--api", api).out())
          .isNotEmpty()
          .noneMatch(l -> l.contains(" ACTIVE "));

      Launcher.Exit refused = openOnMonolith(responder, api, "after the drain");
      assertThat(refused.code()).isEqualTo(1);
      assertThat(refused.errText()).contains("draining");
      // Draining again is harmless and says at once that nothing is left.
      Launcher.Exit again = responder.run("drain", "--api", api);
      assertThat(again.code()).as(again.errText()).isZero();
      assertThat(again.out()).first().asString().startsWith("draining: ended 0 sessions");
      recordCalls(api);
      assertThat(daemon.terminate(Duration.ofSeconds(60)).code()).isZero();
    }
    // A restarted task (the same store) is still draining: no session opens mid-uninstall.
    try (Launcher.Running daemon = responder.start(run)) {
      String api = awaitReady(daemon);
      Launcher.Exit refused = openOnMonolith(responder, api, "after the restart");
      assertThat(refused.code()).isEqualTo(1);
      assertThat(refused.errText()).contains("draining");
      assertThat(daemon.terminate(Duration.ofSeconds(60)).code()).isZero();
    }
  }

  /** {@code sherlock debug open} of like-5xx-xray on mysfits/monolith, by a responder. */
  private static Launcher.Exit openOnMonolith(
      Launcher responder, String api, String reason, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "debug",
                "open",
                "--api",
                api,
                "--policy",
                "like-5xx-xray",
                "--cluster",
                "mysfits",
                "--service",
                "monolith",
                "--reason",
                reason));
    args.addAll(List.of(more));
    return responder.run(args.toArray(String[]::new));
  }

  /** A mysfits service with its tags, asked of the sandbox directly. */
  private static Service service(String name) {
    try (EcsClient ecs =
        EcsClient.builder()
            .endpointOverride(URI.create(endpoint))
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .build()) {
      return ecs.describeServices(
              d -> d.cluster("mysfits").services(name).include(ServiceField.TAGS))
          .services()
          .getFirst();
    }
  }

  private static String taskDefinitionOf(String name) {
    return service(name).taskDefinition();
  }

  @Test
  void refusesToStartWithOneActionableLine() {
    List<String> base = List.of("run", "--data-dir", dir.resolve("d").toString(), "--port", "0");
    expectRefusal(
        join(base, "--endpoint", endpoint),
        "no AWS region: pass --region, set AWS_REGION, or name one in the profile");
    expectRefusal(
        join(base, "--endpoint", endpoint, "--region", "us-east-1", "--queue", "not-installed"),
        "SQS queue not-installed does not exist: run `sherlock install` with the same options first");
    expectRefusal(
        join(base, "--endpoint", "http://127.0.0.1:9", "--region", "us-east-1"),
        "cannot reach ECS at http://127.0.0.1:9");
    expectRefusal(
        join(base, "--endpoint", endpoint, "--region", "us-east-1", "--mode", "yolo"),
        "--mode (sherlock.mode) must be enforce or dryRun, not yolo");
    expectRefusal(
        join(base, "--endpoint", endpoint, "--region", "us-east-1", "--policies", "nope"),
        "policy directory nope does not exist: pass --policies DIR");
    expectRefusal(
        join(
            base,
            "--endpoint",
            endpoint,
            "--region",
            "us-east-1",
            "--policies",
            "git+https://me:ghp_secret@example.com/org/policies.git"),
        "--policies git+https://***@example.com/org/policies.git: no credentials in the"
            + " URL (they would reach logs): set SHERLOCK_GIT_TOKEN or sherlock.git.token-file");
    expectRefusal(
        join(
            base,
            "--endpoint",
            endpoint,
            "--region",
            "us-east-1",
            "--policies",
            "git+http://127.0.0.1:9/policies.git?ref=main&path=policies"),
        "cannot fetch the policies from git+http://127.0.0.1:9/policies.git?ref=main&path=policies:");
    expectRefusal(
        join(
            base,
            "--endpoint",
            endpoint,
            "--region",
            "us-east-1",
            "--policies",
            "git+https://example.com/p.git?branch=main"),
        "--policies git+https://example.com/p.git?branch=main: unknown parameter branch");
    expectRefusal(
        join(
            base,
            "--endpoint",
            endpoint,
            "--region",
            "us-east-1",
            "--record",
            dir.resolve("no-such-dir/recording.jsonl").toString()),
        "cannot write --record " + dir.resolve("no-such-dir/recording.jsonl"));
    expectRefusal(
        join(base, "--endpoint", endpoint, "--region", "us-east-1", "--shards", "0"),
        "sherlock.shards must be from 1 to 64, not 0");
    expectRefusal(
        join(base, "--endpoint", endpoint, "--region", "us-east-1", "--shards", "2"),
        "sherlock.shards=2 needs replicas that share a store: --store dynamodb");
  }

  @Test
  void healthWithNoDaemonIsOne() {
    Launcher.Exit health = SHERLOCK.run("health", "--port", "9");
    assertThat(health.code()).isEqualTo(1);
    assertThat(health.errText()).startsWith("sherlock health: error: no answer from");
  }

  @Test
  void refusesWithoutCredentials() {
    Launcher.Exit exit =
        SHERLOCK
            .with("AWS_ACCESS_KEY_ID", null)
            .with("AWS_SECRET_ACCESS_KEY", null)
            .run(
                "run",
                "--endpoint",
                endpoint,
                "--region",
                "us-east-1",
                "--port",
                "0",
                "--data-dir",
                dir.resolve("d").toString());
    assertThat(exit.code()).isEqualTo(1);
    assertThat(exit.errText()).startsWith("sherlock run: error: no AWS credentials");
    assertNoStackTrace(exit);
  }

  private static void expectRefusal(String[] args, String message) {
    Launcher.Exit exit = SHERLOCK.run(args);
    assertThat(exit.code()).as(String.join(" ", args) + ": " + exit.errText()).isEqualTo(1);
    assertThat(exit.err()).hasSize(1);
    assertThat(exit.errText()).startsWith("sherlock run: error: " + message);
    assertNoStackTrace(exit);
  }

  /** What the daemon called, as its own metrics count it, for the least-privilege check. */
  private static void recordCalls(String api) throws Exception {
    Matcher call =
        Pattern.compile(
                "sherlock_aws_calls_total\\{operation=\"(\\w+)\",outcome=\"[^\"]*\",service=\"([\\w-]+)\"} ([0-9.]+)")
            .matcher(get(api + "/metrics").body());
    List<String> calls = new java.util.ArrayList<>();
    while (call.find()) {
      if (Double.parseDouble(call.group(3)) > 0) {
        calls.add(call.group(2) + " " + call.group(1));
      }
    }
    assertThat(calls).contains("ecs DescribeServices", "sqs ReceiveMessage");
    dev.sherlock.deploy.CallInventory.record(calls);
  }

  private static String port(String api) {
    return api.substring(api.lastIndexOf(':') + 1);
  }

  /** The API address a JSON-logging daemon announces, once its readiness answers UP. */
  private static String awaitReady(Launcher.Running daemon) throws IOException {
    String api =
        json(daemon.awaitLine(l -> l.contains("\"api\":"), Duration.ofMinutes(1)))
            .path("api")
            .asText();
    awaitReadiness(api);
    return api;
  }

  private static void awaitReadiness(String api) {
    await("readiness UP at " + api)
        .atMost(Duration.ofMinutes(1))
        .until(() -> get(api + "/health/readiness").statusCode() == 200);
  }

  static void assertNoStackTrace(Launcher.Exit exit) {
    assertThat(exit.out()).noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception:"));
    assertThat(exit.err()).noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception"));
  }

  private static String[] join(List<String> base, String... more) {
    return java.util.stream.Stream.concat(base.stream(), java.util.Arrays.stream(more))
        .toArray(String[]::new);
  }

  private static boolean isJson(String line) {
    try {
      return JSON.readTree(line).isObject();
    } catch (IOException e) {
      return false;
    }
  }

  private static JsonNode json(String text) throws IOException {
    return JSON.readTree(text);
  }

  static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
