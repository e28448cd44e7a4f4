package dev.sherlock.sandbox.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.sandbox.http.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One task: its containers, its way through PROVISIONING, PENDING, RUNNING, DEACTIVATING, STOPPING,
 * DEPROVISIONING and STOPPED, and the stop code and reasons it ends with.
 */
public final class EcsTask {
  /** A container of the task, as DescribeTasks shows it. */
  public static final class Container {
    final String name;
    final String arn;
    final String image;
    final boolean essential;
    final Map<String, String> environment;
    final boolean hasHealthCheck;
    String lastStatus = "PENDING";
    Integer exitCode;
    String reason;
    String healthStatus = "UNKNOWN";

    Container(
        String name,
        String arn,
        String image,
        boolean essential,
        Map<String, String> environment,
        boolean hasHealthCheck) {
      this.name = name;
      this.arn = arn;
      this.image = image;
      this.essential = essential;
      this.environment = environment;
      this.hasHealthCheck = hasHealthCheck;
    }

    public String name() {
      return name;
    }

    public String image() {
      return image;
    }

    public Map<String, String> environment() {
      return environment;
    }

    public boolean essential() {
      return essential;
    }
  }

  final String id;
  final String arn;
  final String clusterName;
  final String clusterArn;
  final String taskDefinitionArn;
  final JsonNode taskDefinition;
  final String group;
  final String startedBy;
  final String launchType;
  final String privateIp;
  final List<Container> containers = new ArrayList<>();
  final Instant createdAt;
  final boolean enableExecuteCommand;
  String lastStatus = "PROVISIONING";
  String desiredStatus = "RUNNING";
  String healthStatus = "UNKNOWN";
  Instant pullStartedAt;
  Instant pullStoppedAt;
  Instant startedAt;
  Instant stoppingAt;
  Instant stoppedAt;
  Instant updatedAt;
  String stopCode;
  String stoppedReason;
  long version = 1;

  /** When the task takes its next lifecycle step on its own. */
  Instant nextStepAt;

  /** Set when an image cannot be pulled: the task fails to start. */
  String pullFailure;

  EcsTask(
      String id,
      String arn,
      String clusterName,
      String clusterArn,
      TaskDefinitionStore.Revision definition,
      String group,
      String startedBy,
      String launchType,
      String privateIp,
      boolean enableExecuteCommand,
      Instant now) {
    this.id = id;
    this.arn = arn;
    this.clusterName = clusterName;
    this.clusterArn = clusterArn;
    this.taskDefinitionArn = definition.arn;
    this.taskDefinition = definition.definition;
    this.group = group;
    this.startedBy = startedBy;
    this.launchType = launchType;
    this.privateIp = privateIp;
    this.enableExecuteCommand = enableExecuteCommand;
    this.createdAt = now;
    this.updatedAt = now;
  }

  public String id() {
    return id;
  }

  public String arn() {
    return arn;
  }

  public String clusterName() {
    return clusterName;
  }

  public String group() {
    return group;
  }

  /** The service's name when the service scheduler started this task. */
  public Optional<String> serviceName() {
    return group.startsWith("service:")
        ? Optional.of(group.substring("service:".length()))
        : Optional.empty();
  }

  public String lastStatus() {
    return lastStatus;
  }

  public String privateIp() {
    return privateIp;
  }

  public JsonNode taskDefinition() {
    return taskDefinition;
  }

  public List<Container> containers() {
    return containers;
  }

  public Optional<Instant> startedAt() {
    return Optional.ofNullable(startedAt);
  }

  boolean isRunning() {
    return lastStatus.equals("RUNNING");
  }

  boolean isStopped() {
    return lastStatus.equals("STOPPED");
  }

  boolean isHealthyRunning() {
    return isRunning()
        && !healthStatus.equals("UNHEALTHY")
        && (containers.stream().noneMatch(c -> c.hasHealthCheck) || healthStatus.equals("HEALTHY"));
  }

  ObjectNode toJson() {
    ObjectNode json = Json.object();
    ArrayNode attachments = json.putArray("attachments");
    if (taskDefinition.path("networkMode").asText().equals("awsvpc")) {
      ObjectNode eni =
          attachments
              .addObject()
              .put("id", java.util.UUID.nameUUIDFromBytes(id.getBytes()).toString())
              .put("type", "ElasticNetworkInterface")
              .put("status", isStopped() ? "DELETED" : "ATTACHED");
      ArrayNode details = eni.putArray("details");
      details.addObject().put("name", "privateIPv4Address").put("value", privateIp);
    }
    json.put("availabilityZone", "us-east-1a")
        .put("clusterArn", clusterArn)
        .put("connectivity", "CONNECTED");
    json.set("connectivityAt", Json.epochSeconds(createdAt));
    ArrayNode containersJson = json.putArray("containers");
    for (Container c : containers) {
      ObjectNode cj =
          containersJson
              .addObject()
              .put("containerArn", c.arn)
              .put("taskArn", arn)
              .put("name", c.name)
              .put("image", c.image)
              .put("runtimeId", id + "-" + Math.abs(c.name.hashCode()))
              .put("lastStatus", c.lastStatus)
              .put("healthStatus", c.healthStatus);
      if (c.exitCode != null) {
        cj.put("exitCode", c.exitCode);
      }
      if (c.reason != null) {
        cj.put("reason", c.reason);
      }
      ArrayNode interfaces = cj.putArray("networkInterfaces");
      if (taskDefinition.path("networkMode").asText().equals("awsvpc")) {
        interfaces.addObject().put("privateIpv4Address", privateIp);
      }
    }
    json.put("cpu", taskDefinition.path("cpu").asText("256"))
        .put("memory", taskDefinition.path("memory").asText("512"))
        .put("desiredStatus", desiredStatus)
        .put("enableExecuteCommand", enableExecuteCommand)
        .put("group", group)
        .put("healthStatus", healthStatus)
        .put("lastStatus", lastStatus)
        .put("launchType", launchType)
        .put("taskArn", arn)
        .put("taskDefinitionArn", taskDefinitionArn)
        .put("version", version);
    json.set("createdAt", Json.epochSeconds(createdAt));
    if (startedBy != null) {
      json.put("startedBy", startedBy);
    }
    if ("FARGATE".equals(launchType)) {
      json.put("platformVersion", "1.4.0").put("platformFamily", "Linux");
    }
    putTime(json, "pullStartedAt", pullStartedAt);
    putTime(json, "pullStoppedAt", pullStoppedAt);
    putTime(json, "startedAt", startedAt);
    putTime(json, "stoppingAt", stoppingAt);
    putTime(json, "stoppedAt", stoppedAt);
    putTime(json, "executionStoppedAt", stoppedAt);
    if (stopCode != null) {
      json.put("stopCode", stopCode);
    }
    if (stoppedReason != null) {
      json.put("stoppedReason", stoppedReason);
    }
    json.putObject("overrides").putArray("containerOverrides");
    json.putArray("tags");
    return json;
  }

  private static void putTime(ObjectNode json, String field, Instant time) {
    if (time != null) {
      json.set(field, Json.epochSeconds(time));
    }
  }
}
