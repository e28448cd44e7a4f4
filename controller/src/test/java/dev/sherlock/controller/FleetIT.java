package dev.sherlock.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sherlock.api.ApiServer;
import dev.sherlock.finding.FindingKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fleet sessions: one request, one session per matching service, under the budget the request sets
 * instead of the global limits (here one session at most, for automatic triggers).
 */
class FleetIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path root;
  private ControllerWorld world;
  private URI api;

  @BeforeEach
  void start() {
    world =
        new ControllerWorld(
            root,
            Map.of(
                "sherlock.api.token",
                "s3cret",
                "micronaut.server.port",
                -1,
                "micronaut.server.host",
                "127.0.0.1",
                "sherlock.max-sessions",
                1));
    world.policy(
        "exec.yaml",
        """
        apiVersion: sherlock.dev/v1alpha1
        kind: DebugPolicy
        metadata: {name: exec}
        spec:
          target: {cluster: mysfits, services: ["*"]}
          triggers: [{deploymentFailed: {}}]
          actions: [{enableExecuteCommand: {}}]
          session: {maxConcurrent: 10}
        """);
    world.start();
    api = ApiServer.start(world.context);
  }

  @AfterEach
  void stop() {
    world.close();
  }

  @Test
  void aFleetRequestOpensASessionOnEveryMatchingServiceBeyondTheGlobalLimitAndShowsItsRollout() {
    Answer opened = post(fleet("*", 2, ""));

    assertThat(opened.status()).as(opened.body().toString()).isEqualTo(201);
    assertThat(opened.body().path("sessions"))
        .extracting(s -> s.path("service").asText())
        .containsExactlyInAnyOrder("like-service", "monolith");
    assertThat(opened.body().path("refused")).isEmpty();
    String id = opened.body().path("fleet").asText();
    assertThat(get("/api/fleets/" + id).path("opened").asInt()).isEqualTo(2);

    world.advanceUntil(
        Duration.ofSeconds(5), () -> get("/api/fleets/" + id).path("applied").asInt() == 2);

    JsonNode done = get("/api/fleets/" + id);
    assertThat(done.path("remaining").asInt()).isZero();
    assertThat(done.path("waiting")).isEmpty();
    assertThat(world.service("like-service").enableExecuteCommand()).isTrue();
    assertThat(world.service("monolith").enableExecuteCommand()).isTrue();

    Answer ended = delete("/api/fleets/" + id);

    assertThat(ended.status()).isEqualTo(200);
    assertThat(ended.body().path("ended").asInt()).isEqualTo(2);
    world.advanceUntil(
        Duration.ofSeconds(5),
        () ->
            !world.service("like-service").enableExecuteCommand()
                && !world.service("monolith").enableExecuteCommand());
    assertThat(world.sessions()).isEmpty();
  }

  @Test
  void theFleetsOwnBudgetOfChangesHoldsBackWhatItDoesNotAllow() {
    Answer opened = post(fleet("*", 2, ", \"changesPerHour\": 1"));
    assertThat(opened.status()).isEqualTo(201);
    String id = opened.body().path("fleet").asText();

    world.advanceUntil(
        Duration.ofSeconds(5), () -> get("/api/fleets/" + id).path("applied").asInt() == 1);
    world.advanceUntil(
        Duration.ofSeconds(5), () -> !world.findings(FindingKind.TriggerSuppressed).isEmpty());

    JsonNode progress = get("/api/fleets/" + id);
    assertThat(progress.path("applied").asInt()).isEqualTo(1);
    assertThat(progress.path("remaining").asInt()).isEqualTo(1);
    assertThat(world.findings(FindingKind.TriggerSuppressed))
        .anySatisfy(f -> assertThat(f.summary()).contains("budget of changes is spent"));
  }

  @Test
  void aFleetWiderThanTheSessionsItAllowsIsRefusedWholeAndItsBudgetIsRequired() {
    Answer tooWide = post(fleet("*", 1, ""));
    assertThat(tooWide.status()).isEqualTo(400);
    assertThat(tooWide.body().path("error").asText())
        .isEqualTo("2 services match *, more than the 1 sessions this request allows");

    Answer noBudget =
        post(
            """
            {"policy": "exec", "cluster": "mysfits", "services": "*", "reason": "INC-7"}""");
    assertThat(noBudget.status()).isEqualTo(400);
    assertThat(noBudget.body().path("error").asText()).startsWith("maxSessions must be a number");

    Answer none = post(fleet("payments-*", 5, ""));
    assertThat(none.status()).isEqualTo(404);
    assertThat(none.body().path("error").asText())
        .isEqualTo("no service of cluster mysfits matches payments-*");
    assertThat(world.sessions()).isEmpty();
  }

  private static String fleet(String services, int maxSessions, String more) {
    return """
        {"policy": "exec", "cluster": "mysfits", "services": "%s", "reason": "INC-7", "maxSessions": %d%s}"""
        .formatted(services, maxSessions, more);
  }

  private record Answer(int status, JsonNode body) {}

  private Answer post(String body) {
    return send(
        HttpRequest.newBuilder(api.resolve("/api/sessions"))
            .header("Authorization", "Bearer s3cret")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private Answer delete(String path) {
    return send(
        HttpRequest.newBuilder(api.resolve(path))
            .header("Authorization", "Bearer s3cret")
            .DELETE()
            .build());
  }

  private JsonNode get(String path) {
    return send(HttpRequest.newBuilder(api.resolve(path)).GET().build()).body();
  }

  private static Answer send(HttpRequest request) {
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), JSON.readTree(response.body()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
