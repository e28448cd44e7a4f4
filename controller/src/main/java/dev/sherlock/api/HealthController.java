package dev.sherlock.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.controller.Controller;
import dev.sherlock.ha.Leadership;
import dev.sherlock.health.Dependencies;
import dev.sherlock.source.PolicySource;
import dev.sherlock.store.FindingStore;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Get;
import java.time.Clock;

/**
 * {@code /health}: liveness (the process answers) and readiness (policies loaded, the controller
 * running, the store answering, ECS answering the last resync, and every dependency - SQS,
 * CloudWatch - answering its loop's last call).
 */
@io.micronaut.http.annotation.Controller("/health")
public final class HealthController {
  private final Controller controller;
  private final PolicySource policies;
  private final FindingStore store;
  private final Dependencies dependencies;
  private final Leadership leadership;
  private final Clock clock;

  public HealthController(
      Controller controller,
      PolicySource policies,
      FindingStore store,
      Dependencies dependencies,
      Leadership leadership,
      Clock clock) {
    this.clock = clock;
    this.leadership = leadership;
    this.controller = controller;
    this.policies = policies;
    this.store = store;
    this.dependencies = dependencies;
  }

  @Get("/liveness")
  public HttpResponse<String> liveness() {
    return Api.ok(Api.object().put("status", "UP"));
  }

  @Get
  public HttpResponse<String> health() {
    return readiness();
  }

  @Get("/readiness")
  public HttpResponse<String> readiness() {
    ObjectNode checks = Api.object();
    boolean sources = policies.loaded() && controller.running();
    checks.put("sources", sources ? "UP" : "DOWN");
    Controller.Progress progress = controller.progress();
    // A standby acts on nothing (no reconcile, no resync) until it takes the lease: it is ready
    // to serve the API once its policies and the store are.
    boolean standby = leadership.role() == Leadership.Role.STANDBY;
    checks.put("startup", standby ? "STANDBY" : progress.ready() ? "UP" : "DOWN");
    if (!standby && !progress.ready()) {
      // The first resync, as far as it got: a large fleet takes a while within the read budget.
      checks
          .putObject("startupProgress")
          .put("services", progress.services())
          .put("checked", progress.checked());
    }
    // A policy repository out of reach is shown, not failed on: the last good commit runs on,
    // and a replica taken out of service for it would stop acting on every policy.
    policies
        .gitStatus()
        .ifPresent(
            git ->
                checks.set(
                    "policySource",
                    PoliciesController.source(git, clock.instant())
                        .put("status", git.error().isPresent() ? "STALE" : "UP")));
    boolean storeUp;
    try {
      store.query(FindingStore.Query.all(1));
      storeUp = true;
    } catch (RuntimeException e) {
      storeUp = false;
    }
    checks.put("store", storeUp ? "UP" : "DOWN");
    boolean aws =
        standby || (controller.lastResync().isPresent() && controller.lastResyncError().isEmpty());
    checks.put("aws", standby ? "STANDBY" : aws ? "UP" : "DOWN");
    controller.lastResyncError().ifPresent(e -> checks.put("awsError", e));
    // Each dependency as its loop last found it (SQS, CloudWatch; ECS as the resync found it).
    ObjectNode each = checks.putObject("dependencies");
    dependencies
        .all()
        .forEach(
            (name, status) -> {
              ObjectNode d = each.putObject(name).put("status", status.up() ? "UP" : "DOWN");
              d.put("since", status.since().toString());
              status.cause().ifPresent(c -> d.put("cause", c));
            });
    boolean up = sources && (standby || progress.ready()) && storeUp && aws && dependencies.allUp();
    ObjectNode body = Api.object().put("status", up ? "UP" : "DOWN");
    ObjectNode replica =
        body.putObject("replica")
            .put("name", leadership.replica())
            .put("role", leadership.role().name().toLowerCase(java.util.Locale.ROOT));
    leadership.holder().ifPresent(h -> replica.put("holder", h));
    if (leadership.shards() > 1) {
      replica.put("shards", leadership.shards());
      leadership.shardsHeld().forEach(replica.putArray("shardsHeld")::add);
    }
    body.set("checks", checks);
    return up ? Api.ok(body) : Api.status(503, body);
  }
}
