package dev.sherlock.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns an SQS message body (an EventBridge event) into an {@link EcsEvent}. A message that is not
 * one of the three ECS detail-types Sherlock understands, or a task that no service started, is
 * {@link Result.Ignored}; a body that is not an event at all is {@link Result.Malformed}.
 */
public final class EcsEventParser {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  // ECS names: letters, digits, '-' and '_', at most 255. Anything else in an ARN is not ECS's.
  private static final String NAME = "[A-Za-z0-9_-]{1,255}";
  private static final String PREFIX = "arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:";
  private static final Pattern CLUSTER_ARN = Pattern.compile(PREFIX + "cluster/" + NAME);
  private static final Pattern SERVICE_ARN =
      Pattern.compile(PREFIX + "service/" + NAME + "/" + NAME);

  /** What a message turned out to be. */
  public sealed interface Result {
    record Parsed(EcsEvent event) implements Result {}

    record Ignored(String why) implements Result {}

    record Malformed(String why) implements Result {}
  }

  public Result parse(String body) {
    JsonNode event;
    try {
      event = JSON.readTree(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return new Result.Malformed("not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      return new Result.Malformed("unreadable: " + e.getMessage());
    }
    if (event == null
        || !event.isObject()
        || !event.path("detail").isObject()
        || !event.hasNonNull("detail-type")) {
      return new Result.Malformed("not an EventBridge event (no detail-type or detail)");
    }
    if (!"aws.ecs".equals(event.path("source").asText())) {
      return new Result.Ignored("source " + event.path("source").asText());
    }
    try {
      String id = event.path("id").asText();
      Instant time = instant(event.path("time")).orElse(Instant.EPOCH);
      JsonNode detail = event.path("detail");
      return switch (event.path("detail-type").asText()) {
        case "ECS Task State Change" -> taskStateChange(id, time, detail);
        case "ECS Service Action" ->
            new Result.Parsed(
                new EcsEvent.ServiceAction(
                    id,
                    firstResource(event),
                    time,
                    detail.path("eventType").asText(),
                    required(detail, "eventName")));
        case "ECS Deployment State Change" ->
            new Result.Parsed(
                new EcsEvent.DeploymentStateChange(
                    id,
                    firstResource(event),
                    time,
                    required(detail, "eventName"),
                    detail.path("deploymentId").asText(),
                    detail.path("reason").asText("")));
        default -> new Result.Ignored("detail-type " + event.path("detail-type").asText());
      };
    } catch (IllegalArgumentException e) {
      return new Result.Malformed(e.getMessage());
    }
  }

  private static Result taskStateChange(String id, Instant time, JsonNode detail) {
    String group = detail.path("group").asText("");
    if (!group.startsWith("service:")) {
      return new Result.Ignored("task not started by a service (group %s)".formatted(group));
    }
    String clusterArn = required(detail, "clusterArn");
    if (!CLUSTER_ARN.matcher(clusterArn).matches()) {
      throw new IllegalArgumentException("detail.clusterArn is not a cluster ARN: " + clusterArn);
    }
    String serviceArn =
        clusterArn.replace(":cluster/", ":service/") + "/" + group.substring("service:".length());
    if (!SERVICE_ARN.matcher(serviceArn).matches()) {
      throw new IllegalArgumentException("detail.group is not a service's: " + group);
    }
    List<EcsEvent.TaskStateChange.Container> containers = new ArrayList<>();
    for (JsonNode c : detail.path("containers")) {
      containers.add(
          new EcsEvent.TaskStateChange.Container(
              c.path("name").asText(),
              c.hasNonNull("exitCode") ? Optional.of(c.path("exitCode").asInt()) : Optional.empty(),
              text(c, "reason")));
    }
    return new Result.Parsed(
        new EcsEvent.TaskStateChange(
            id,
            serviceArn,
            time,
            required(detail, "taskArn"),
            detail.path("taskDefinitionArn").asText(),
            required(detail, "lastStatus"),
            detail.path("desiredStatus").asText(),
            detail.path("version").asLong(0),
            text(detail, "stopCode"),
            text(detail, "stoppedReason"),
            instant(detail.path("stoppedAt")),
            containers));
  }

  private static String firstResource(JsonNode event) {
    JsonNode resources = event.path("resources");
    if (!resources.isArray()
        || resources.isEmpty()
        || !SERVICE_ARN.matcher(resources.get(0).asText()).matches()) {
      throw new IllegalArgumentException("no service ARN in resources");
    }
    return resources.get(0).asText();
  }

  private static String required(JsonNode node, String field) {
    String value = node.path(field).asText("");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("detail." + field + " is missing");
    }
    return value;
  }

  private static Optional<String> text(JsonNode node, String field) {
    return node.hasNonNull(field) ? Optional.of(node.path(field).asText()) : Optional.empty();
  }

  private static Optional<Instant> instant(JsonNode node) {
    if (!node.isTextual()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(node.asText()));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
