package dev.sherlock.sandbox.ecs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.sandbox.http.Json;
import java.time.Instant;

/** One deployment of a service: PRIMARY (the newest) or ACTIVE (being replaced). */
final class Deployment {
  final String id;
  final String taskDefinitionArn;
  final Instant createdAt;
  final String launchType;
  String status = "PRIMARY";
  int desiredCount;
  int pendingCount;
  int runningCount;
  int failedTasks;
  Instant updatedAt;
  String rolloutState = "IN_PROGRESS";
  String rolloutStateReason;

  Deployment(
      String id, String taskDefinitionArn, int desiredCount, String launchType, Instant now) {
    this.id = id;
    this.taskDefinitionArn = taskDefinitionArn;
    this.desiredCount = desiredCount;
    this.launchType = launchType;
    this.createdAt = now;
    this.updatedAt = now;
    this.rolloutStateReason = "ECS deployment %s in progress.".formatted(id);
  }

  ObjectNode toJson() {
    ObjectNode json =
        Json.object()
            .put("id", id)
            .put("status", status)
            .put("taskDefinition", taskDefinitionArn)
            .put("desiredCount", desiredCount)
            .put("pendingCount", pendingCount)
            .put("runningCount", runningCount)
            .put("failedTasks", failedTasks)
            .put("launchType", launchType)
            .put("rolloutState", rolloutState)
            .put("rolloutStateReason", rolloutStateReason);
    json.set("createdAt", Json.epochSeconds(createdAt));
    json.set("updatedAt", Json.epochSeconds(updatedAt));
    if ("FARGATE".equals(launchType)) {
      json.put("platformVersion", "1.4.0").put("platformFamily", "Linux");
    }
    return json;
  }
}
