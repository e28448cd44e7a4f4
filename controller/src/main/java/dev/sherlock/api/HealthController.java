package dev.sherlock.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.controller.Controller;
import dev.sherlock.source.PolicySource;
import dev.sherlock.store.FindingStore;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Get;

/**
 * {@code /health}: liveness (the process answers) and readiness (policies loaded, the controller
 * running, the store answering, and ECS answering the last resync).
 */
@io.micronaut.http.annotation.Controller("/health")
public final class HealthController {
  private final Controller controller;
  private final PolicySource policies;
  private final FindingStore store;

  public HealthController(Controller controller, PolicySource policies, FindingStore store) {
    this.controller = controller;
    this.policies = policies;
    this.store = store;
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
    boolean up = sources && storeUp && aws;
    ObjectNode body = Api.object().put("status", up ? "UP" : "DOWN");
    body.set("checks", checks);
    return up ? Api.ok(body) : Api.status(503, body);
  }
}
