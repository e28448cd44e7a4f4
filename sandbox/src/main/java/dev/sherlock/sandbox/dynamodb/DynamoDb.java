package dev.sherlock.sandbox.dynamodb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.sherlock.sandbox.faults.CallLedger;
import dev.sherlock.sandbox.faults.FaultInjector;
import dev.sherlock.sandbox.http.AwsException;
import dev.sherlock.sandbox.http.Json;
import dev.sherlock.sandbox.http.SandboxHttpServer;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * DynamoDB on the sandbox's own port ({@code X-Amz-Target: DynamoDB_20120810.*}): the data plane
 * and the tables are dynalite's, forwarded unchanged; the two table settings dynalite lacks - time
 * to live and point-in-time recovery - are kept here, as DynamoDB reports them. Calls are admitted
 * (throttling on demand) and counted like every other.
 */
public final class DynamoDb implements SandboxHttpServer.Route, AutoCloseable {
  public static final String SERVICE = "dynamodb";
  static final String TARGET_PREFIX = "DynamoDB_20120810.";
  private static final String CONTENT_TYPE = "application/x-amz-json-1.0";
  private static final List<String> PASSED_HEADERS =
      List.of("Content-Type", "X-Amz-Target", "Authorization", "X-Amz-Date");

  /** A table's settings that dynalite does not keep. */
  private record Settings(Optional<String> ttlAttribute, boolean pointInTimeRecovery) {
    static final Settings NONE = new Settings(Optional.empty(), false);
  }

  private final Dynalite dynalite;
  private final FaultInjector faults;
  private final CallLedger ledger;
  private final Map<String, Settings> settings = new ConcurrentHashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public DynamoDb(FaultInjector faults, CallLedger ledger) {
    this(Dynalite.locate(), faults, ledger);
  }

  DynamoDb(Optional<Path> home, FaultInjector faults, CallLedger ledger) {
    this.dynalite = new Dynalite(home);
    this.faults = faults;
    this.ledger = ledger;
  }

  @Override
  public boolean matches(HttpExchange exchange, byte[] body) {
    String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
    return target != null && target.startsWith(TARGET_PREFIX);
  }

  @Override
  public void serve(HttpExchange exchange, byte[] body, SandboxHttpServer.Calls calls)
      throws IOException {
    String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
    String operation = target.substring(TARGET_PREFIX.length());
    Answer answer;
    try {
      Duration latency = faults.admit(SERVICE, operation, "ThrottlingException");
      if (!latency.isZero()) {
        Thread.sleep(latency); // injected latency is the fault asked for, not a wait for state
      }
      answer =
          switch (operation) {
            case "UpdateTimeToLive",
                "DescribeTimeToLive",
                "UpdateContinuousBackups",
                "DescribeContinuousBackups" ->
                setting(exchange, operation, body);
            case "DeleteTable" -> {
              Answer deleted = forward(exchange, target, body);
              if (deleted.status() == 200) {
                settings.remove(tableName(body));
              }
              yield deleted;
            }
            default -> forward(exchange, target, body);
          };
    } catch (AwsException e) {
      answer = Answer.error(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      answer = Answer.error(new AwsException("InternalServerError", 500, "interrupted"));
    } catch (JsonProcessingException e) {
      answer = Answer.error(AwsException.client("SerializationException", "malformed JSON"));
    } catch (IllegalStateException | IOException e) {
      answer =
          Answer.error(
              new AwsException(
                  "InternalServerError", 500, "the sandbox's DynamoDB failed: " + e.getMessage()));
    }
    ledger.record(SERVICE, operation, answer.outcome());
    answer.crc32().ifPresent(crc -> exchange.getResponseHeaders().add("x-amz-crc32", crc));
    SandboxHttpServer.send(exchange, answer.status(), CONTENT_TYPE, answer.body());
  }

  /** An answer to send: dynalite's, or one made here. */
  private record Answer(int status, byte[] body, Optional<String> crc32) {
    static Answer ok(JsonNode body) {
      return new Answer(200, body.toString().getBytes(StandardCharsets.UTF_8), Optional.empty());
    }

    static Answer error(AwsException e) {
      String type =
          (e.code().equals("ThrottlingException")
                  ? "com.amazon.coral.availability#"
                  : "com.amazonaws.dynamodb.v20120810#")
              + e.code();
      return new Answer(
          e.status(),
          Json.object()
              .put("__type", type)
              .put("message", e.getMessage())
              .toString()
              .getBytes(StandardCharsets.UTF_8),
          Optional.empty());
    }

    /** "ok", or the error's code as the ledger counts it. */
    String outcome() {
      if (status == 200) {
        return "ok";
      }
      try {
        String type = Json.MAPPER.readTree(body).path("__type").asText("error");
        return type.substring(type.indexOf('#') + 1);
      } catch (IOException e) {
        return "error";
      }
    }
  }

  private Answer forward(HttpExchange exchange, String target, byte[] body) throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(dynalite.endpoint())
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    for (String header : PASSED_HEADERS) {
      String value =
          header.equals("X-Amz-Target") ? target : exchange.getRequestHeaders().getFirst(header);
      if (value != null) {
        request.header(header, value);
      }
    }
    try {
      HttpResponse<byte[]> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Answer(
          response.statusCode(), response.body(), response.headers().firstValue("x-amz-crc32"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** Time to live and point-in-time recovery, of a table that must exist. */
  private Answer setting(HttpExchange exchange, String operation, byte[] body) throws IOException {
    String table = tableName(body);
    Answer described =
        forward(
            exchange,
            TARGET_PREFIX + "DescribeTable",
            Json.object().put("TableName", table).toString().getBytes(StandardCharsets.UTF_8));
    if (described.status() != 200) {
      return described;
    }
    JsonNode request = Json.MAPPER.readTree(body);
    Settings now = settings.getOrDefault(table, Settings.NONE);
    return switch (operation) {
      case "UpdateTimeToLive" -> {
        JsonNode spec = request.path("TimeToLiveSpecification");
        boolean enabled = spec.path("Enabled").asBoolean();
        String attribute = spec.path("AttributeName").asText("");
        if (attribute.isEmpty()) {
          throw AwsException.client(
              "ValidationException", "TimeToLiveSpecification.AttributeName is required");
        }
        if (enabled == now.ttlAttribute().isPresent()) {
          throw AwsException.client(
              "ValidationException", "TimeToLive is already " + (enabled ? "enabled" : "disabled"));
        }
        settings.put(
            table,
            new Settings(
                enabled ? Optional.of(attribute) : Optional.empty(), now.pointInTimeRecovery()));
        ObjectNode answer = Json.object();
        answer.set("TimeToLiveSpecification", spec);
        yield Answer.ok(answer);
      }
      case "DescribeTimeToLive" -> {
        ObjectNode answer = Json.object();
        ObjectNode description = answer.putObject("TimeToLiveDescription");
        description.put(
            "TimeToLiveStatus", now.ttlAttribute().isPresent() ? "ENABLED" : "DISABLED");
        now.ttlAttribute().ifPresent(a -> description.put("AttributeName", a));
        yield Answer.ok(answer);
      }
      case "UpdateContinuousBackups" -> {
        boolean enabled =
            request
                .path("PointInTimeRecoverySpecification")
                .path("PointInTimeRecoveryEnabled")
                .asBoolean();
        settings.put(table, new Settings(now.ttlAttribute(), enabled));
        yield Answer.ok(continuousBackups(enabled));
      }
      default -> Answer.ok(continuousBackups(now.pointInTimeRecovery()));
    };
  }

  private static JsonNode continuousBackups(boolean pointInTimeRecovery) {
    ObjectNode answer = Json.object();
    ObjectNode description = answer.putObject("ContinuousBackupsDescription");
    description.put("ContinuousBackupsStatus", "ENABLED");
    description
        .putObject("PointInTimeRecoveryDescription")
        .put("PointInTimeRecoveryStatus", pointInTimeRecovery ? "ENABLED" : "DISABLED");
    return answer;
  }

  private static String tableName(byte[] body) throws IOException {
    String name = Json.MAPPER.readTree(body).path("TableName").asText("");
    if (name.isEmpty()) {
      throw AwsException.client("ValidationException", "TableName is required");
    }
    return name;
  }

  @Override
  public void close() {
    dynalite.close();
  }
}
