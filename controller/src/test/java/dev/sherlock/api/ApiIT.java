package dev.sherlock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sherlock.CommandLineRun;
import dev.sherlock.controller.ControllerWorldAccess;
import dev.sherlock.sandbox.workload.Scenario;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API and its command-line clients, against a controller on the sandbox. */
class ApiIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  @TempDir Path root;
  private ControllerWorldAccess world;
  private URI api;

  @BeforeEach
  void start() {
    world =
        new ControllerWorldAccess(
            root,
            Map.of(
                "sherlock.api.token",
                "s3cret",
                "micronaut.server.port",
                -1,
                "micronaut.server.host",
                "127.0.0.1"));
    world.policy(
        "oom.yaml",
        """
        apiVersion: sherlock.dev/v1alpha1
        kind: DebugPolicy
        metadata: {name: oom-debug}
        spec:
          target: {cluster: mysfits, services: [like-service]}
          triggers: [{taskStopped: {exitCodes: [137]}}]
          actions: [{setEnvironment: {container: like-service, variables: {LOGLEVEL: DEBUG}}}]
        """);
    world.policy(
        "exec.yaml",
        """
        apiVersion: sherlock.dev/v1alpha1
        kind: DebugPolicy
        metadata: {name: exec}
        spec:
          target: {cluster: mysfits, services: [payments]}
          triggers: [{deploymentFailed: {}}]
          actions: [{enableExecuteCommand: {}}]
        """);
    api = world.startWithApi();
    world
        .sandbox()
        .scenario()
        .add(new Scenario.OomKill("mysfits", "like-service", Duration.ofSeconds(5)));
    world.advanceUntil(Duration.ofSeconds(5), () -> !world.sessionIds().isEmpty());
    world.sandbox().scenario().clear();
    world.controller().resync();
  }

  @AfterEach
  void stop() {
    world.close();
  }

  @Test
  void findingsAreFilteredAndPagedNewestFirst() throws Exception {
    JsonNode opened = get("/api/findings?kind=SessionOpened");
    assertThat(opened.path("findings"))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.path("service").asText()).isEqualTo("like-service");
              assertThat(f.path("policy").asText()).isEqualTo("oom-debug");
            });

    Set<String> ids = new HashSet<>();
    JsonNode page = get("/api/findings?limit=1");
    int pages = 0;
    while (true) {
      pages++;
      page.path("findings").forEach(f -> assertThat(ids.add(f.path("id").asText())).isTrue());
      if (!page.has("next")) {
        break;
      }
      page = get("/api/findings?limit=1&cursor=" + page.path("next").asText());
    }
    assertThat(pages).isEqualTo(ids.size()).isGreaterThanOrEqualTo(2);
    assertThat(get("/api/findings?service=monolith").path("findings")).isEmpty();

    String id = opened.path("findings").get(0).path("id").asText();
    assertThat(get("/api/findings/" + id).path("evidence").path("origin").asText())
        .isEqualTo("TRIGGER");
    assertThat(send("GET", "/api/findings?kind=Nonsense", null, null).statusCode()).isEqualTo(400);
  }

  /** The session is opened on monolith, which no policy watches: the API asks ECS for it. */
  @Test
  void mutatingCallsNeedTheToken() throws Exception {
    String body =
        "{\"policy\": \"exec\", \"cluster\": \"mysfits\", \"service\": \"monolith\", \"reason\": \"INC-1\", \"duration\": \"10m\"}";

    assertThat(send("POST", "/api/sessions", body, null).statusCode()).isEqualTo(401);
    assertThat(send("POST", "/api/sessions", body, "guess").statusCode()).isEqualTo(401);
    var created = send("POST", "/api/sessions", body, "s3cret");

    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode session = JSON.readTree(created.body());
    assertThat(session.path("origin").asText()).isEqualTo("MANUAL");
    String sessionId = session.path("id").asText();
    var extended = send("PATCH", "/api/sessions/" + sessionId, "{\"extendBy\": \"15m\"}", "s3cret");
    assertThat(JSON.readTree(extended.body()).path("expiresAt").asText())
        .isNotEqualTo(session.path("expiresAt").asText());
    world.advanceUntil(
        Duration.ofSeconds(5),
        () -> Boolean.TRUE.equals(world.service("monolith").enableExecuteCommand()));
    assertThat(send("DELETE", "/api/sessions/" + sessionId, null, null).statusCode())
        .isEqualTo(401);
    assertThat(send("DELETE", "/api/sessions/" + sessionId, null, "s3cret").statusCode())
        .isEqualTo(200);
    world.advanceUntil(
        Duration.ofSeconds(5),
        () -> !Boolean.TRUE.equals(world.service("monolith").enableExecuteCommand()));
  }

  /** Bad requests are a 400 with one error shape and the words validate uses, never a 500. */
  @Test
  void badRequestsAreRefusedWithTheReason() throws Exception {
    String open =
        "{\"policy\": \"exec\", \"cluster\": \"mysfits\", \"service\": \"monolith\", \"reason\": \"INC-1\", \"duration\": \"%s\"}";
    assertError(
        send("POST", "/api/sessions", open.formatted("106751991167301h"), "s3cret"),
        400,
        "duration 106751991167301h is longer than 168h, the longest a session may last");
    assertError(
        send("POST", "/api/sessions", open.formatted("0s"), "s3cret"),
        400,
        "duration must be longer than 0s");
    assertError(
        send(
            "POST",
            "/api/sessions",
            open.formatted("10m").replace("}", ", \"dryRun\": true}"),
            "s3cret"),
        400,
        "unknown field 'dryRun': the fields are changesPerHour, cluster, duration, maxSessions,"
            + " policy, reason, service, services");
    assertThat(world.sessionIds()).hasSize(1); // none of these opened anything

    String id = world.sessionIds().getFirst();
    assertError(
        send("PATCH", "/api/sessions/" + id, "{\"extendBy\": \"2562047788015215h\"}", "s3cret"),
        400,
        "extendBy 2562047788015215h is longer than 168h, the longest a session may last");
    assertError(
        send("PATCH", "/api/sessions/" + id, "{\"extendBy\": \"168h\"}", "s3cret"),
        400,
        "longer than 168h, the longest a session may last");
    assertError(
        send("GET", "/api/findings?cursor=garbage", null, null),
        400,
        "cursor garbage is not one this API gave");
    assertError(
        send("GET", "/api/nothing-here", null, null),
        404,
        "no such endpoint: GET /api/nothing-here");
    // A 404 of the API's own says what was not found, not that the endpoint is unknown.
    assertError(
        send("DELETE", "/api/sessions/s-nope", null, "s3cret"), 404, "no active session s-nope");
    assertError(send("GET", "/api/fleets/f-nope", null, null), 404, "no fleet f-nope");
  }

  private static void assertError(HttpResponse<String> response, int status, String words)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("status").asInt()).isEqualTo(status);
    assertThat(body.path("error").asText()).contains(words);
  }

  @Test
  void theCommandLineClientsTalkToTheApi() {
    CommandLineRun list = CommandLineRun.of("debug", "list", "--api", api.toString());
    assertThat(list.exitCode()).isZero();
    assertThat(list.out()).contains("mysfits/like-service", "oom-debug", "ACTIVE");

    String id = world.sessionIds().getFirst();
    assertThat(CommandLineRun.of("debug", "end", id, "--api", api.toString()).err())
        .contains("this needs the API token: pass --token T or export SHERLOCK_API_TOKEN");
    assertThat(
            CommandLineRun.of("debug", "end", id, "--api", api.toString(), "--token", "guess")
                .err())
        .contains("a valid bearer token is required (this needs the API token");
    CommandLineRun end =
        CommandLineRun.of("debug", "end", id, "--api", api.toString(), "--token", "s3cret");
    assertThat(end.exitCode()).as(end.err()).isZero();
    world.advanceUntil(
        Duration.ofSeconds(5),
        () -> world.runningRevision("like-service").equals("like-service:1"));

    CommandLineRun findings =
        CommandLineRun.of("findings", "--api", api.toString(), "--kind", "ActionReverted");
    assertThat(findings.exitCode()).isZero();
    assertThat(findings.out())
        .contains("ActionReverted", "mysfits/like-service", "like-service back on like-service:1");
    CommandLineRun follow =
        CommandLineRun.of(
            "findings", "--api", api.toString(), "--follow", "--for", "2s", "--output", "json");
    assertThat(follow.outLines())
        .isNotEmpty()
        .allSatisfy(l -> assertThat(l).startsWith("{\"id\":"));
  }

  @Test
  void policiesReportTheirStatusAndHealthIsUp() throws Exception {
    JsonNode policies = get("/api/policies");
    assertThat(policies.path("policies"))
        .anySatisfy(
            p -> {
              assertThat(p.path("name").asText()).isEqualTo("oom-debug");
              assertThat(p.path("activeSessions").asInt()).isEqualTo(1);
              assertThat(p.has("lastFired")).isTrue();
            });
    world.awaitUntil(() -> world.controller().lastResync().isPresent());
    assertThat(get("/health").path("status").asText()).isEqualTo("UP");
  }

  @Test
  void prometheusMetricsAreThereFromTheStart() throws Exception {
    var response = send("GET", "/metrics", null, null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .contains("sherlock_findings_total{kind=\"Snapshot\"} 0.0")
        .contains("sherlock_findings_total{kind=\"SessionOpened\"} 1.0")
        .containsPattern("sherlock_events_received_total\\{type=\"TaskStateChange\"} [1-9]")
        .contains("sherlock_events_duplicate_total")
        .contains(
            "sherlock_aws_calls_total{operation=\"RegisterTaskDefinition\",outcome=\"ok\",service=\"ecs\"} 1.0")
        .contains("sherlock_sessions_active 1.0")
        .contains("sherlock_queue_depth")
        .contains("sherlock_reconcile_duration_seconds_count");
  }

  private JsonNode get(String path) throws Exception {
    var response = send("GET", path, null, null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private HttpResponse<String> send(String method, String path, String body, String token)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(api + path))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
  }
}
