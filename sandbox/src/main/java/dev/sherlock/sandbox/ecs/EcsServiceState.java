package dev.sherlock.sandbox.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.sandbox.http.Json;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A service as ECS keeps it: configuration, deployments and its newest 100 events. */
final class EcsServiceState {
  static final int MAX_EVENTS = 100;

  final String name;
  final String arn;
  final Cluster cluster;
  final Instant createdAt;
  final String launchType;
  final JsonNode networkConfiguration;
  final JsonNode loadBalancers;
  final Map<String, String> tags = new LinkedHashMap<>();
  String status = "ACTIVE";
  String taskDefinitionArn;
  int desiredCount;
  boolean enableExecuteCommand;
  int maximumPercent = 200;
  int minimumHealthyPercent = 100;
  boolean circuitBreakerEnabled;
  boolean circuitBreakerRollback;
  final List<Deployment> deployments = new ArrayList<>();
  final Deque<ObjectNode> events = new ArrayDeque<>();

  /** The task definition of the last deployment that completed: where a rollback returns to. */
  Optional<String> lastCompletedTaskDefinition = Optional.empty();

  boolean steadyStateReported;

  EcsServiceState(
      String name,
      String arn,
      Cluster cluster,
      String launchType,
      JsonNode networkConfiguration,
      JsonNode loadBalancers,
      Instant now) {
    this.name = name;
    this.arn = arn;
    this.cluster = cluster;
    this.launchType = launchType;
    this.networkConfiguration = networkConfiguration;
    this.loadBalancers = loadBalancers;
    this.createdAt = now;
  }

  Deployment primary() {
    return deployments.getFirst();
  }

  void addEvent(String message, Instant now) {
    ObjectNode event =
        Json.object().put("id", java.util.UUID.randomUUID().toString()).put("message", message);
    event.set("createdAt", Json.epochSeconds(now));
    events.addFirst(event);
    while (events.size() > MAX_EVENTS) {
      events.removeLast();
    }
  }

  ObjectNode toJson(boolean includeTags) {
    ObjectNode json =
        Json.object()
            .put("serviceArn", arn)
            .put("serviceName", name)
            .put("clusterArn", cluster.arn)
            .put("status", status)
            .put("desiredCount", desiredCount)
            .put("runningCount", deployments.stream().mapToInt(d -> d.runningCount).sum())
            .put("pendingCount", deployments.stream().mapToInt(d -> d.pendingCount).sum())
            .put("launchType", launchType)
            .put("taskDefinition", taskDefinitionArn)
            .put("schedulingStrategy", "REPLICA")
            .put("enableExecuteCommand", enableExecuteCommand)
            .put("enableECSManagedTags", false)
            .put("propagateTags", "NONE")
            .put("createdBy", "arn:aws:iam::%s:root".formatted(cluster.arn.split(":")[4]));
    if ("FARGATE".equals(launchType)) {
      json.put("platformVersion", "LATEST").put("platformFamily", "Linux");
    }
    ObjectNode configuration = json.putObject("deploymentConfiguration");
    configuration
        .putObject("deploymentCircuitBreaker")
        .put("enable", circuitBreakerEnabled)
        .put("rollback", circuitBreakerRollback);
    configuration
        .put("maximumPercent", maximumPercent)
        .put("minimumHealthyPercent", minimumHealthyPercent);
    json.putObject("deploymentController").put("type", "ECS");
    ArrayNode deploymentsJson = json.putArray("deployments");
    deployments.forEach(d -> deploymentsJson.add(d.toJson()));
    ArrayNode eventsJson = json.putArray("events");
    events.forEach(eventsJson::add);
    json.set("loadBalancers", loadBalancers == null ? Json.array() : loadBalancers);
    if (networkConfiguration != null) {
      json.set("networkConfiguration", networkConfiguration);
    }
    json.putArray("serviceRegistries");
    json.putArray("placementConstraints");
    json.putArray("placementStrategy");
    json.set("createdAt", Json.epochSeconds(createdAt));
    if (includeTags) {
      json.set("tags", Tags.toJson(tags));
    }
    return json;
  }
}
