package dev.sherlock.sandbox.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sherlock.sandbox.faults.CallLedger;
import dev.sherlock.sandbox.faults.FaultInjector;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox's one HTTP endpoint on 127.0.0.1. It recognises each AWS protocol the way AWS's front
 * ends do - {@code X-Amz-Target} for the JSON protocols, the Smithy RPC v2 path for CBOR, {@code
 * Action=} for the query protocol - admits the call through the {@link FaultInjector}, runs it
 * under the world lock, counts it in the {@link CallLedger}, and frames the answer or the error for
 * that protocol.
 */
public final class SandboxHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SandboxHttpServer.class);
  private static final int MAX_BODY = 8 << 20;

  /** A protocol the server speaks besides JSON 1.0/1.1, e.g. CBOR or query for CloudWatch. */
  public interface Route {
    /** Whether this route serves the request (by path, headers or form). */
    boolean matches(HttpExchange exchange, byte[] body);

    /** Serves it; {@code calls} runs one operation with admission, locking and counting. */
    void serve(HttpExchange exchange, byte[] body, Calls calls) throws IOException;
  }

  /** Runs one operation of one service the way every protocol must: admitted, locked, counted. */
  public interface Calls {
    JsonNode call(JsonApi api, String operation, JsonNode request);
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final FaultInjector faults;
  private final CallLedger ledger;
  private final Lock world;
  private final Runnable catchUp;
  private Map<String, JsonApi> jsonTargets = Map.of();
  private Map<String, String> throttlingCodes = Map.of();
  private java.util.List<Route> routes = java.util.List.of();

  /**
   * Binds the port at once (so its number is known before the services are built), serves nothing
   * until {@link #start}.
   *
   * @param catchUp brings the simulation up to the clock before a call is served
   */
  public SandboxHttpServer(
      int port, FaultInjector faults, CallLedger ledger, Lock world, Runnable catchUp)
      throws IOException {
    this.faults = faults;
    this.ledger = ledger;
    this.world = world;
    this.catchUp = catchUp;
    this.server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
    server.setExecutor(executor);
    server.createContext("/", this::serve);
  }

  /**
   * @param jsonTargets the JSON-protocol services by {@code X-Amz-Target} prefix
   * @param throttlingCodes each service's throttling error code, by service name
   * @param routes other protocols and paths, tried first, in order
   */
  public void start(
      Map<String, JsonApi> jsonTargets,
      Map<String, String> throttlingCodes,
      java.util.List<Route> routes) {
    this.jsonTargets = Map.copyOf(jsonTargets);
    this.throttlingCodes = Map.copyOf(throttlingCodes);
    this.routes = java.util.List.copyOf(routes);
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = readBody(exchange);
      for (Route route : routes) {
        if (route.matches(exchange, body)) {
          route.serve(exchange, body, this::call);
          return;
        }
      }
      String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      if (target != null && target.indexOf('.') > 0) {
        serveJson(exchange, target, body);
        return;
      }
      send(
          exchange,
          404,
          "text/plain",
          ("no AWS service here: " + exchange.getRequestURI()).getBytes());
    } catch (RuntimeException e) {
      // A bug in the sandbox answers as AWS does when it fails: a 500 the SDK will retry.
      LOG.warn("sandbox failed serving {}", exchange.getRequestURI(), e);
      try {
        send(
            exchange,
            500,
            "application/x-amz-json-1.1",
            Json.MAPPER.writeValueAsBytes(
                Json.object().put("__type", "InternalFailure").put("message", String.valueOf(e))));
      } catch (IOException | RuntimeException ignored) {
        // the response had started; the connection closes and the client sees the failure
      }
    }
  }

  private void serveJson(HttpExchange exchange, String target, byte[] body) throws IOException {
    String prefix = target.substring(0, target.indexOf('.'));
    String operation = target.substring(target.indexOf('.') + 1);
    JsonApi api = jsonTargets.get(prefix);
    String contentType =
        exchange.getRequestHeaders().getFirst("Content-Type") == null
            ? "application/x-amz-json-1.1"
            : exchange.getRequestHeaders().getFirst("Content-Type");
    if (api == null) {
      sendJsonError(
          exchange, contentType, null, new AwsException("UnknownOperationException", 400, target));
      return;
    }
    JsonNode request;
    try {
      request = body.length == 0 ? Json.object() : Json.MAPPER.readTree(body);
    } catch (IOException e) {
      sendJsonError(
          exchange,
          contentType,
          api,
          AwsException.client("SerializationException", "malformed JSON"));
      return;
    }
    try {
      JsonNode response = call(api, operation, request);
      send(exchange, 200, contentType, Json.MAPPER.writeValueAsBytes(response));
    } catch (AwsException e) {
      sendJsonError(exchange, contentType, api, e);
    }
  }

  /** Admission, the world lock, the simulation catching up, and counting: for every protocol. */
  private JsonNode call(JsonApi api, String operation, JsonNode request) {
    String service = api.serviceName();
    boolean carriedOut = false;
    try {
      Duration latency =
          faults.admit(
              service, operation, throttlingCodes.getOrDefault(service, "ThrottlingException"));
      if (!latency.isZero()) {
        sleep(latency);
      }
      JsonNode response;
      world.lock();
      try {
        catchUp.run();
        response = api.handle(operation, request);
      } finally {
        world.unlock();
      }
      ledger.record(service, operation, "ok", subject(request));
      carriedOut = true;
      faults.answered(service, operation);
      return response;
    } catch (AwsException e) {
      if (!carriedOut) { // a lost answer: the ledger has the call as carried out
        ledger.record(service, operation, e.code(), subject(request));
      }
      throw e;
    }
  }

  /**
   * What a call is about, for the ledger: the service or task-definition family it names, by name
   * ({@code arn:...:service/shop/web} and {@code web:3} are both about {@code web}).
   */
  static String subject(JsonNode request) {
    for (String field : new String[] {"service", "family", "taskDefinition"}) {
      String value = request.path(field).asText("");
      if (!value.isEmpty()) {
        String name = value.substring(value.lastIndexOf('/') + 1);
        int revision = name.indexOf(':');
        return revision < 0 ? name : name.substring(0, revision);
      }
    }
    return "";
  }

  private static void sleep(Duration latency) {
    try {
      Thread.sleep(latency); // injected latency is the point: this is the fault, not a wait
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sendJsonError(
      HttpExchange exchange, String contentType, JsonApi api, AwsException e) throws IOException {
    send(
        exchange,
        e.status(),
        contentType,
        Json.MAPPER.writeValueAsBytes(errorBody(exchange, api, e)));
  }

  /**
   * The error body of the JSON-based protocols ({@code __type} and {@code message}), with the
   * headers the SDK reads: {@code x-amzn-query-error} for query-compatible services, else {@code
   * x-amzn-ErrorType}.
   */
  public static JsonNode errorBody(HttpExchange exchange, JsonApi api, AwsException e) {
    if (api != null && api.queryCompatible()) {
      exchange
          .getResponseHeaders()
          .add("x-amzn-query-error", e.code() + ";" + (e.status() >= 500 ? "Receiver" : "Sender"));
    } else {
      exchange.getResponseHeaders().add("x-amzn-ErrorType", e.code());
    }
    String type = api == null ? e.code() : api.errorType(e.code());
    return Json.object().put("__type", type).put("message", e.getMessage());
  }

  /** Writes a whole response with a request id, as every AWS front end does. */
  public static void send(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().add("Content-Type", contentType);
    exchange.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static byte[] readBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      if (body.length > MAX_BODY) {
        throw new IOException("request body over " + MAX_BODY + " bytes");
      }
      return body;
    }
  }
}
