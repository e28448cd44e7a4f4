package dev.sherlock.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.controller.Controller;
import dev.sherlock.health.Dependencies;
import dev.sherlock.source.PolicySource;
import dev.sherlock.store.FindingStore;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Get;

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

  public HealthController(
      Controller controller, PolicySource policies, FindingStore store, Dependencies dependencies) {
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
    checks.put("startup", progress.ready() ? "UP" : "DOWN");
    if (!progress.ready()) {
      // The first resync, as far as it got: a large fleet takes a while within the read budget.
      checks
          .putObject("startupProgress")
          .put("services", progress.services())
          .put("checked", progress.checked());
    }
    boolean storeUp;
    try {
      store.query(FindingStore.Query.all(1));
      storeUp = true;
    } catch (RuntimeException e) {
      storeUp = false;
    }
    checks.put("store", storeUp ? "UP" : "DOWN");
    boolean aws = controller.lastResync().isPresent() && controller.lastResyncError().isEmpty();
    checks.put("aws", aws ? "UP" : "DOWN");
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
    boolean up = sources && progress.ready() && storeUp && aws && dependencies.allUp();
    ObjectNode body = Api.object().put("status", up ? "UP" : "DOWN");
    body.set("checks", checks);
    return up ? Api.ok(body) : Api.status(503, body);
  }
}
