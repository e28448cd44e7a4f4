package dev.sherlock.sandbox.xray;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.sherlock.sandbox.http.AwsException;
import dev.sherlock.sandbox.http.Json;
import dev.sherlock.sandbox.http.JsonApi;
import dev.sherlock.sandbox.http.SandboxHttpServer;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * AWS X-Ray's read side: {@code GetTraceSummaries} (a time range and a filter expression, newest
 * first, 100 a page) and {@code BatchGetTraces} (up to 5 ids, each trace's segment documents). Its
 * wire protocol is REST-JSON: {@code POST /TraceSummaries} and {@code POST /Traces}. Traces arrive
 * from the workload's apps that run an X-Ray daemon, and are kept for six hours.
 */
public final class XRay implements JsonApi {
  public static final String SERVICE = "xray";
  static final Duration RETENTION = Duration.ofHours(6);
  private static final int PAGE = 100;
  private static final int MAX_IDS = 5;
  private static final Map<String, String> OPERATIONS =
      Map.of("/TraceSummaries", "GetTraceSummaries", "/Traces", "BatchGetTraces");

  private final Deque<Trace> traces = new ArrayDeque<>();
  private final Map<String, Trace> byId = new LinkedHashMap<>();

  @Override
  public String serviceName() {
    return SERVICE;
  }

  /** A trace the daemon sent; traces arrive in time order. */
  public void add(Trace trace) {
    traces.addLast(trace);
    byId.put(trace.id(), trace);
  }

  public void prune(Instant now) {
    Instant oldest = now.minus(RETENTION);
    while (!traces.isEmpty() && traces.peekFirst().start().isBefore(oldest)) {
      byId.remove(traces.removeFirst().id());
    }
  }

  @Override
  public JsonNode handle(String operation, JsonNode request) {
    return switch (operation) {
      case "GetTraceSummaries" -> summaries(request);
      case "BatchGetTraces" -> batch(request);
      default -> throw AwsException.client("UnknownOperationException", operation);
    };
  }

  private JsonNode summaries(JsonNode request) {
    if (!request.has("StartTime") || !request.has("EndTime")) {
      throw AwsException.client("InvalidRequestException", "StartTime and EndTime are required");
    }
    Instant from = Json.instant(request.get("StartTime"));
    Instant to = Json.instant(request.get("EndTime"));
    if (!to.isAfter(from)) {
      throw AwsException.client("InvalidRequestException", "EndTime must be after StartTime");
    }
    Predicate<Trace> filter = TraceFilter.parse(request.path("FilterExpression").asText(""));
    List<Trace> matching = new ArrayList<>();
    int scanned = 0;
    for (var it = traces.descendingIterator(); it.hasNext(); ) {
      Trace t = it.next();
      if (t.start().isBefore(from) || !t.start().isBefore(to)) {
        continue;
      }
      scanned++;
      if (filter.test(t)) {
        matching.add(t);
      }
    }
    int offset = offset(request.path("NextToken").asText(""));
    ObjectNode response = Json.object();
    ArrayNode summaries = response.putArray("TraceSummaries");
    for (Trace t :
        matching.subList(
            Math.min(offset, matching.size()), Math.min(offset + PAGE, matching.size()))) {
      summaries.add(summary(t));
    }
    response.set("ApproximateTime", Json.epochSeconds(to));
    response.put("TracesProcessedCount", scanned);
    if (offset + PAGE < matching.size()) {
      response.put("NextToken", "page-" + (offset + PAGE));
    }
    return response;
  }

  private static ObjectNode summary(Trace t) {
    ObjectNode s =
        Json.object()
            .put("Id", t.id())
            .put("Duration", t.seconds())
            .put("ResponseTime", t.seconds())
            .put("HasError", t.error())
            .put("HasFault", t.fault())
            .put("HasThrottle", t.throttle())
            .put("IsPartial", false);
    s.set("StartTime", Json.epochSeconds(t.start()));
    s.putObject("Http")
        .put("HttpURL", t.url())
        .put("HttpStatus", t.status())
        .put("HttpMethod", t.method());
    ObjectNode service =
        s.putArray("ServiceIds")
            .addObject()
            .put("Name", t.service())
            .put("Type", "AWS::ECS::Container");
    service.putArray("Names").add(t.service());
    s.putObject("EntryPoint").put("Name", t.service()).put("Type", "AWS::ECS::Container");
    return s;
  }

  private JsonNode batch(JsonNode request) {
    List<String> ids = Json.texts(request, "TraceIds");
    if (ids.isEmpty() || ids.size() > MAX_IDS) {
      throw AwsException.client(
          "InvalidRequestException", "TraceIds takes 1 to %d trace ids".formatted(MAX_IDS));
    }
    ObjectNode response = Json.object();
    ArrayNode found = response.putArray("Traces");
    ArrayNode unprocessed = response.putArray("UnprocessedTraceIds");
    for (String id : ids) {
      Trace t = byId.get(id);
      if (t == null) {
        unprocessed.add(id);
        continue;
      }
      ObjectNode trace = found.addObject().put("Id", t.id()).put("Duration", t.seconds());
      trace.put("LimitExceeded", false);
      trace
          .putArray("Segments")
          .addObject()
          .put("Id", t.segment().path("id").asText())
          .put("Document", t.segment().toString());
    }
    return response;
  }

  private static int offset(String token) {
    if (token.isEmpty()) {
      return 0;
    }
    try {
      return Integer.parseInt(token.substring("page-".length()));
    } catch (RuntimeException e) {
      throw AwsException.client("InvalidRequestException", "invalid NextToken");
    }
  }

  /** REST-JSON: the operation is the path; errors name their type in {@code x-amzn-ErrorType}. */
  public SandboxHttpServer.Route route() {
    return new SandboxHttpServer.Route() {
      @Override
      public boolean matches(HttpExchange exchange, byte[] body) {
        return exchange.getRequestMethod().equals("POST")
            && OPERATIONS.containsKey(exchange.getRequestURI().getPath());
      }

      @Override
      public void serve(HttpExchange exchange, byte[] body, SandboxHttpServer.Calls calls)
          throws IOException {
        String operation = OPERATIONS.get(exchange.getRequestURI().getPath());
        JsonNode response;
        int status = 200;
        try {
          JsonNode request;
          try {
            request = body.length == 0 ? Json.object() : Json.MAPPER.readTree(body);
          } catch (IOException e) {
            throw AwsException.client("InvalidRequestException", "malformed JSON");
          }
          response = calls.call(XRay.this, operation, request);
        } catch (AwsException e) {
          status = e.status();
          response = SandboxHttpServer.errorBody(exchange, XRay.this, e);
        }
        SandboxHttpServer.send(
            exchange, status, "application/json", Json.MAPPER.writeValueAsBytes(response));
      }
    };
  }
}
