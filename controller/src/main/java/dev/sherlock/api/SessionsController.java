package dev.sherlock.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.aws.EcsGateway;
import dev.sherlock.policy.DurationBounds;
import dev.sherlock.policy.Durations;
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
import java.util.Optional;
import java.util.Set;

/**
 * Sessions: {@code GET /api/sessions} (active and recent), {@code POST /api/sessions} (open one by
 * hand: policy, cluster, service, duration, reason), {@code PATCH /api/sessions/{id}} (extend by
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
      json = RequestJson.read(body, Set.of("policy", "cluster", "service", "reason", "duration"));
    } catch (IllegalArgumentException e) {
      return Api.error(400, e.getMessage());
    }
    String policyName = json.path("policy").asText("");
    String cluster = json.path("cluster").asText("");
    String service = json.path("service").asText("");
    String reason = json.path("reason").asText("");
    if (policyName.isEmpty() || cluster.isEmpty() || service.isEmpty() || reason.isEmpty()) {
      return Api.error(400, "policy, cluster, service and reason are required");
    }
    var policy = policies.current().policy(policyName);
    if (policy.isEmpty()) {
      return Api.error(404, "no policy " + policyName);
    }
    Optional<Duration> duration;
    try {
      duration =
          json.hasNonNull("duration")
              ? Optional.of(Durations.parse(json.path("duration").asText()))
              : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Api.error(400, "duration: " + e.getMessage());
    }
    Optional<String> outOfBounds =
        duration.flatMap(d -> DurationBounds.session("duration").problem(d));
    if (outOfBounds.isPresent()) {
      return Api.error(400, outOfBounds.get());
    }
    Optional<String> serviceArn = resolve(cluster, service);
    if (serviceArn.isEmpty()) {
      return Api.error(404, "no service %s in cluster %s".formatted(service, cluster));
    }
    var outcome =
        sessions.open(
            new Sessions.Request(
                policy.get(),
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
          .orElseGet(() -> Api.error(404, "no active session " + id));
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
        .orElseGet(() -> Api.error(404, "no active session " + id));
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
    return json;
  }
}
