package dev.sherlock.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.aws.EcsGateway;
import dev.sherlock.policy.DebugPolicy;
import dev.sherlock.policy.DurationBounds;
import dev.sherlock.policy.Durations;
import dev.sherlock.policy.Glob;
import dev.sherlock.reconcile.ServiceArns;
import dev.sherlock.session.Session;
import dev.sherlock.session.Sessions;
import dev.sherlock.source.PolicySource;
import dev.sherlock.source.ServiceCache;
import dev.sherlock.store.SessionStore;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Sessions: {@code GET /api/sessions} (active and recent), {@code POST /api/sessions} (open one by
 * hand: policy, cluster, service, duration, reason; or one per service whose name matches {@code
 * services}, a glob, under the request's own {@code maxSessions} and {@code changesPerHour} - a
 * fleet, followed at {@code GET /api/fleets/{id}}), {@code PATCH /api/sessions/{id}} (extend by
 * {@code {"extendBy": "15m"}}), {@code DELETE /api/sessions/{id}} (end now; the service reverts).
 * The last three need the bearer token.
 */
// The store and AWS answer slowly at times: never on the event loop, which serves /health too.
@ExecuteOn(TaskExecutors.BLOCKING)
@Controller("/api/sessions")
public final class SessionsController {
  private final Sessions sessions;
  private final SessionStore store;
  private final PolicySource policies;
  private final ServiceCache services;
  private final ApiToken token;
  private final EcsGateway ecs;

  public SessionsController(
      Sessions sessions,
      SessionStore store,
      PolicySource policies,
      ServiceCache services,
      ApiToken token,
      EcsGateway ecs) {
    this.sessions = sessions;
    this.store = store;
    this.policies = policies;
    this.services = services;
    this.token = token;
    this.ecs = ecs;
  }

  @Get
  public HttpResponse<String> list() {
    ObjectNode body = Api.object();
    ArrayNode items = body.putArray("sessions");
    store.recent(200).forEach(s -> items.add(json(s)));
    return Api.ok(body);
  }

  @Post
  public HttpResponse<String> open(HttpRequest<?> request, @Body String body) {
    var refusal = token.check(request);
    if (refusal.isPresent()) {
      return Api.error(refusal.get().status(), refusal.get().message());
    }
    JsonNode json;
    try {
      json =
          RequestJson.read(
              body,
              Set.of(
                  "policy",
                  "cluster",
                  "service",
                  "services",
                  "reason",
                  "duration",
                  "maxSessions",
                  "changesPerHour"));
    } catch (IllegalArgumentException e) {
      return Api.error(400, e.getMessage());
    }
    if (json.hasNonNull("services")) {
      return openFleet(json);
    }
    String cluster = json.path("cluster").asText("");
    String service = json.path("service").asText("");
    String reason = json.path("reason").asText("");
    if (json.path("policy").asText("").isEmpty()
        || cluster.isEmpty()
        || service.isEmpty()
        || reason.isEmpty()) {
      return Api.error(400, "policy, cluster, service (or services) and reason are required");
    }
    DebugPolicy policy = policy(json);
    Optional<Duration> duration;
    try {
      duration = duration(json);
    } catch (IllegalArgumentException e) {
      return Api.error(400, e.getMessage());
    }
    Optional<String> serviceArn = resolve(cluster, service);
    if (serviceArn.isEmpty()) {
      throw Api.notFound("no service %s in cluster %s".formatted(service, cluster));
    }
    var outcome =
        sessions.open(
            new Sessions.Request(
                policy,
                cluster,
                serviceArn.get(),
                service,
                Session.Origin.MANUAL,
                reason,
                duration,
                Optional.empty()));
    return switch (outcome) {
      case Sessions.Outcome.Opened opened -> Api.status(201, json(opened.session()));
      case Sessions.Outcome.AlreadyOpen open -> {
        ObjectNode error =
            Api.errorBody(409, "a session of this policy is already open on the service");
        error.set("session", json(open.session()));
        yield Api.status(409, error);
      }
      case Sessions.Outcome.Suppressed suppressed -> Api.error(429, suppressed.why());
    };
  }

  /**
   * One session per service of the cluster whose name matches {@code services}, under the budget
   * the request sets: {@code maxSessions} (required: a person decides how wide to go) and {@code
   * changesPerHour} (default: two per session, a registration and a deployment).
   */
  private HttpResponse<String> openFleet(JsonNode json) {
    String cluster = json.path("cluster").asText("");
    String pattern = json.path("services").asText("");
    String reason = json.path("reason").asText("");
    if (json.path("policy").asText("").isEmpty()
        || cluster.isEmpty()
        || pattern.isEmpty()
        || reason.isEmpty()) {
      return Api.error(400, "policy, cluster, services and reason are required");
    }
    if (json.hasNonNull("service")) {
      return Api.error(400, "give service or services, not both");
    }
    if (!json.path("maxSessions").canConvertToInt()
        || json.path("maxSessions").asInt() < 1
        || json.path("maxSessions").asInt() > MAX_FLEET) {
      return Api.error(
          400,
          "maxSessions must be a number from 1 to %d: how many sessions this request may open"
              .formatted(MAX_FLEET));
    }
    int maxSessions = json.path("maxSessions").asInt();
    int changesPerHour = json.path("changesPerHour").asInt(2 * maxSessions);
    if (json.has("changesPerHour")
        && (!json.path("changesPerHour").canConvertToInt() || changesPerHour < 1)) {
      return Api.error(400, "changesPerHour must be a positive number");
    }
    DebugPolicy policy = policy(json);
    Optional<Duration> duration;
    try {
      duration = duration(json);
    } catch (IllegalArgumentException e) {
      return Api.error(400, e.getMessage());
    }
    Optional<String> clusterArn =
        ecs.listClusters().stream().filter(a -> a.endsWith(":cluster/" + cluster)).findFirst();
    if (clusterArn.isEmpty()) {
      throw Api.notFound("no cluster " + cluster);
    }
    Glob glob = Glob.of(pattern);
    Map<String, String> matched = new LinkedHashMap<>();
    for (String arn : ecs.listServices(cluster)) {
      String name = ServiceArns.name(arn);
      if (glob.matches(name)) {
        matched.put(arn, name);
      }
    }
    if (matched.isEmpty()) {
      throw Api.notFound("no service of cluster %s matches %s".formatted(cluster, pattern));
    }
    Sessions.FleetOutcome outcome;
    try {
      outcome =
          sessions.openFleet(
              new Sessions.FleetRequest(
                  policy,
                  cluster,
                  pattern,
                  matched,
                  reason,
                  duration,
                  maxSessions,
                  changesPerHour));
    } catch (IllegalArgumentException e) {
      return Api.error(400, e.getMessage());
    }
    ObjectNode answer = FleetsController.json(outcome.fleet());
    ArrayNode opened = answer.putArray("sessions");
    ArrayNode refused = answer.putArray("refused");
    outcome
        .outcomes()
        .forEach(
            (name, o) -> {
              switch (o) {
                case Sessions.Outcome.Opened s -> opened.add(json(s.session()));
                case Sessions.Outcome.AlreadyOpen s ->
                    refused
                        .addObject()
                        .put("service", name)
                        .put("why", "session %s is already open".formatted(s.session().id()));
                case Sessions.Outcome.Suppressed s ->
                    refused.addObject().put("service", name).put("why", s.why());
              }
            });
    return Api.status(opened.isEmpty() ? 429 : 201, answer);
  }

  /** The request's policy, by name; a 404 when there is none. */
  private DebugPolicy policy(JsonNode json) {
    String name = json.path("policy").asText();
    return policies.current().policy(name).orElseThrow(() -> Api.notFound("no policy " + name));
  }

  /** The most sessions one request may open. */
  static final int MAX_FLEET = 1000;

  /** The request's duration, within the bounds every session has; empty for the policy's own. */
  private static Optional<Duration> duration(JsonNode json) {
    if (!json.hasNonNull("duration")) {
      return Optional.empty();
    }
    Duration d;
    try {
      d = Durations.parse(json.path("duration").asText());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("duration: " + e.getMessage(), e);
    }
    DurationBounds.session("duration")
        .problem(d)
        .ifPresent(
            p -> {
              throw new IllegalArgumentException(p);
            });
    return Optional.of(d);
  }

  @Patch("/{id}")
  public HttpResponse<String> extend(
      HttpRequest<?> request, @PathVariable String id, @Body String body) {
    var refusal = token.check(request);
    if (refusal.isPresent()) {
      return Api.error(refusal.get().status(), refusal.get().message());
    }
    Duration by;
    try {
      by = Durations.parse(RequestJson.read(body, Set.of("extendBy")).path("extendBy").asText(""));
    } catch (IllegalArgumentException e) {
      return Api.error(400, "extendBy must be a duration like 15m: " + e.getMessage());
    }
    Optional<String> outOfBounds = DurationBounds.session("extendBy").problem(by);
    if (outOfBounds.isPresent()) {
      return Api.error(400, outOfBounds.get());
    }
    try {
      return sessions
          .extend(id, by)
          .map(s -> Api.ok(json(s)))
          .orElseThrow(() -> Api.notFound("no active session " + id));
    } catch (IllegalArgumentException e) {
      return Api.error(400, e.getMessage());
    }
  }

  @Delete("/{id}")
  public HttpResponse<String> end(HttpRequest<?> request, @PathVariable String id) {
    var refusal = token.check(request);
    if (refusal.isPresent()) {
      return Api.error(refusal.get().status(), refusal.get().message());
    }
    return sessions
        .end(id, "ended by hand")
        .map(s -> Api.ok(json(s)))
        .orElseThrow(() -> Api.notFound("no active session " + id));
  }

  /**
   * The ARN of a service by cluster and name: from the cache when a policy watches it, else asked
   * of ECS - a responder may open a session on any service.
   */
  private Optional<String> resolve(String cluster, String service) {
    Optional<String> known =
        services.all().stream()
            .filter(s -> s.serviceName().equals(service) && s.clusterArn().endsWith("/" + cluster))
            .map(s -> s.serviceArn())
            .findFirst();
    if (known.isPresent()) {
      return known;
    }
    return ecs.listClusters().stream()
        .filter(arn -> arn.endsWith(":cluster/" + cluster))
        .findFirst()
        .map(arn -> arn.replace(":cluster/", ":service/") + "/" + service)
        .flatMap(services::get)
        .map(s -> s.serviceArn());
  }

  static ObjectNode json(Session s) {
    ObjectNode json =
        Api.object()
            .put("id", s.id())
            .put("policy", s.policy())
            .put("cluster", s.cluster())
            .put("service", s.serviceName())
            .put("state", s.state().name())
            .put("origin", s.origin().name())
            .put("reason", s.reason())
            .put("openedAt", s.openedAt().toString())
            .put("expiresAt", s.expiresAt().toString())
            .put("dryRun", s.dryRun());
    s.endedAt().ifPresent(t -> json.put("endedAt", t.toString()));
    s.endReason().ifPresent(r -> json.put("endReason", r));
    s.appliedRevision().ifPresent(r -> json.put("revision", r));
    s.policyCommit().ifPresent(c -> json.put("policyCommit", c));
    return json;
  }
}
