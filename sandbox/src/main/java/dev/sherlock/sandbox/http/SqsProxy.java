package dev.sherlock.sandbox.http;

import com.sun.net.httpserver.HttpExchange;
import dev.sherlock.sandbox.faults.CallLedger;
import dev.sherlock.sandbox.faults.FaultInjector;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * SQS on the sandbox's own port: requests ({@code X-Amz-Target: AmazonSQS.*}, or the query
 * protocol's {@code Action=} for SQS) are forwarded unchanged to the embedded ElasticMQ, so one
 * endpoint serves every service. Calls are admitted and counted like any other.
 */
public final class SqsProxy implements SandboxHttpServer.Route {
  private static final List<String> PASSED_HEADERS =
      List.of("Content-Type", "X-Amz-Target", "x-amzn-query-mode");
  private final URI elasticMq;
  private final FaultInjector faults;
  private final CallLedger ledger;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public SqsProxy(URI elasticMq, FaultInjector faults, CallLedger ledger) {
    this.elasticMq = elasticMq;
    this.faults = faults;
    this.ledger = ledger;
  }

  @Override
  public boolean matches(HttpExchange exchange, byte[] body) {
    String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
    if (target != null) {
      return target.startsWith("AmazonSQS.");
    }
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    String form = new String(body, StandardCharsets.UTF_8);
    return type != null
        && type.startsWith("application/x-www-form-urlencoded")
        && form.contains("Action=")
        && !form.contains("Version=2010-08-01");
  }

  @Override
  public void serve(HttpExchange exchange, byte[] body, SandboxHttpServer.Calls calls)
      throws IOException {
    String operation = operation(exchange, body);
    try {
      faults.admit("sqs", operation, "ThrottlingException");
    } catch (AwsException e) {
      ledger.record("sqs", operation, e.code());
      exchange.getResponseHeaders().add("x-amzn-query-error", "ThrottlingException;Sender");
      SandboxHttpServer.send(
          exchange,
          e.status(),
          "application/x-amz-json-1.0",
          Json.object()
              .put("__type", "com.amazonaws.sqs#ThrottlingException")
              .put("message", e.getMessage())
              .toString()
              .getBytes(StandardCharsets.UTF_8));
      return;
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(elasticMq.resolve(exchange.getRequestURI().getRawPath()))
            .timeout(Duration.ofSeconds(30)) // longer than SQS's 20 s long poll
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    for (String header : PASSED_HEADERS) {
      String value = exchange.getRequestHeaders().getFirst(header);
      if (value != null) {
        request.header(header, value);
      }
    }
    try {
      HttpResponse<byte[]> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      String error = response.headers().firstValue("x-amzn-query-error").orElse(null);
      if (error != null) {
        exchange.getResponseHeaders().add("x-amzn-query-error", error);
      }
      ledger.record(
          "sqs",
          operation,
          response.statusCode() == 200 ? "ok" : error == null ? "error" : error.split(";")[0]);
      SandboxHttpServer.send(
          exchange,
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse("application/x-amz-json-1.0"),
          response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static String operation(HttpExchange exchange, byte[] body) {
    String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
    if (target != null) {
      return target.substring(target.indexOf('.') + 1);
    }
    for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
      if (pair.startsWith("Action=")) {
        return pair.substring("Action=".length());
      }
    }
    return "Unknown";
  }
}
