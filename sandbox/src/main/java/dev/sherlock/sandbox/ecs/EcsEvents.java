package dev.sherlock.sandbox.ecs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.sandbox.events.EventPublisher;
import dev.sherlock.sandbox.http.Json;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The events ECS sends to EventBridge, in their documented shapes: "ECS Task State Change" on every
 * status change (with {@code detail.version} rising), "ECS Service Action" and "ECS Deployment
 * State Change". Timestamps in {@code detail} are ISO-8601 with milliseconds, as ECS writes them.
 */
final class EcsEvents {
  private final EventPublisher bus;

  EcsEvents(EventPublisher bus) {
    this.bus = bus;
  }

  void taskStateChange(EcsTask task) {
    ObjectNode detail = task.toJson();
    isoTimes(detail);
    ArrayNode containers = (ArrayNode) detail.path("containers");
    containers.forEach(c -> ((ObjectNode) c).remove("healthStatus"));
    detail.set("updatedAt", Json.MAPPER.getNodeFactory().textNode(iso(task.updatedAt)));
    detail.remove("tags");
    bus.publish("aws.ecs", "ECS Task State Change", List.of(task.arn), detail);
  }

  void serviceAction(EcsServiceState service, String eventType, String eventName, Instant now) {
    ObjectNode detail =
        Json.object()
            .put("eventType", eventType)
            .put("eventName", eventName)
            .put("clusterArn", service.cluster.arn)
            .put("createdAt", iso(now));
    bus.publish("aws.ecs", "ECS Service Action", List.of(service.arn), detail);
  }

  void deploymentStateChange(
      EcsServiceState service,
      Deployment deployment,
      String eventType,
      String eventName,
      String reason,
      Instant now) {
    ObjectNode detail =
        Json.object()
            .put("eventType", eventType)
            .put("eventName", eventName)
            .put("deploymentId", deployment.id)
            .put("updatedAt", iso(now))
            .put("reason", reason);
    bus.publish("aws.ecs", "ECS Deployment State Change", List.of(service.arn), detail);
  }

  static String iso(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(
        instant.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
  }

  /** Turns the epoch-second fields of a task's JSON into the ISO strings events carry. */
  private static void isoTimes(ObjectNode detail) {
    for (String field :
        List.of(
            "connectivityAt",
            "createdAt",
            "pullStartedAt",
            "pullStoppedAt",
            "startedAt",
            "stoppingAt",
            "stoppedAt",
            "executionStoppedAt")) {
      if (detail.has(field)) {
        detail.put(field, iso(Json.instant(detail.get(field))));
      }
    }
  }
}
