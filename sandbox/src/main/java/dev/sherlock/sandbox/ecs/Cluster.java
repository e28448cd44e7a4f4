package dev.sherlock.sandbox.ecs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.sandbox.http.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/** An ECS cluster: a name, its services and tags. */
final class Cluster {
  final String name;
  final String arn;
  final Map<String, String> tags = new LinkedHashMap<>();
  final Map<String, EcsServiceState> services = new LinkedHashMap<>();
  String status = "ACTIVE";
  String containerInsights = "disabled";

  Cluster(String name, String arn) {
    this.name = name;
    this.arn = arn;
  }

  /** Container Insights: {@code disabled}, {@code enabled} or {@code enhanced}. */
  public String containerInsights() {
    return containerInsights;
  }

  ObjectNode toJson(int runningTasks, int pendingTasks) {
    ObjectNode json =
        Json.object()
            .put("clusterArn", arn)
            .put("clusterName", name)
            .put("status", status)
            .put("registeredContainerInstancesCount", 0)
            .put("runningTasksCount", runningTasks)
            .put("pendingTasksCount", pendingTasks)
            .put(
                "activeServicesCount",
                (int) services.values().stream().filter(s -> s.status.equals("ACTIVE")).count());
    json.set("statistics", Json.array());
    json.set("tags", Tags.toJson(tags));
    json.putArray("settings")
        .addObject()
        .put("name", "containerInsights")
        .put("value", containerInsights);
    json.set("capacityProviders", Json.array());
    json.set("defaultCapacityProviderStrategy", Json.array());
    return json;
  }
}
