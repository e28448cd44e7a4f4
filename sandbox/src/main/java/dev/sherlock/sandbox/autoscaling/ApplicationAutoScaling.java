package dev.sherlock.sandbox.autoscaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.sandbox.ecs.Ecs;
import dev.sherlock.sandbox.http.AwsException;
import dev.sherlock.sandbox.http.Json;
import dev.sherlock.sandbox.http.JsonApi;
import dev.sherlock.sandbox.http.Pagination;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Application Auto Scaling over AWS JSON 1.1 ({@code AnyScaleFrontendService.*}) for ECS services'
 * {@code ecs:service:DesiredCount}: scalable targets whose bounds the service's desired count is
 * kept within, and scaling policies (stored and described; the sandbox raises no alarms).
 */
public final class ApplicationAutoScaling implements JsonApi {
  public static final String TARGET_PREFIX = "AnyScaleFrontendService";
  private static final String DIMENSION = "ecs:service:DesiredCount";

  private final String region;
  private final String account;
  private final Clock clock;
  private final Ecs ecs;
  private final Map<String, ObjectNode> targets = new LinkedHashMap<>();
  private final Map<String, ObjectNode> policies = new LinkedHashMap<>();

  public ApplicationAutoScaling(String region, String account, Clock clock, Ecs ecs) {
    this.region = region;
    this.account = account;
    this.clock = clock;
    this.ecs = ecs;
  }

  @Override
  public String serviceName() {
    return "application-autoscaling";
  }

  @Override
  public JsonNode handle(String operation, JsonNode request) {
    return switch (operation) {
      case "RegisterScalableTarget" -> register(request);
      case "DescribeScalableTargets" -> describeTargets(request);
      case "DeregisterScalableTarget" -> deregister(request);
      case "PutScalingPolicy" -> putPolicy(request);
      case "DescribeScalingPolicies" -> describePolicies(request);
      case "DeleteScalingPolicy" -> deletePolicy(request);
      default ->
          throw new AwsException(
              "UnknownOperationException",
              400,
              "The sandbox does not implement Application Auto Scaling " + operation);
    };
  }

  /** Keeps the service's desired count inside the target's bounds, as registering does in AWS. */
  public void enforceBounds() {
    for (ObjectNode target : targets.values()) {
      String[] parts = target.path("ResourceId").asText().split("/");
      int min = target.path("MinCapacity").asInt();
      int max = target.path("MaxCapacity").asInt();
      try {
        int desired = ecs.desiredCount(parts[1], parts[2]);
        int bounded = Math.max(min, Math.min(max, desired));
        if (bounded != desired) {
          ecs.setDesiredCount(parts[1], parts[2], bounded);
        }
      } catch (AwsException serviceGone) {
        // a target outliving its service does nothing, as in AWS
      }
    }
  }

  private JsonNode register(JsonNode request) {
    String resourceId = resourceId(request);
    String[] parts = resourceId.split("/");
    try {
      ecs.desiredCount(parts[1], parts[2]);
    } catch (AwsException e) {
      throw AwsException.client("ValidationException", "ECS service doesn't exist: " + resourceId);
    }
    ObjectNode existing = targets.get(resourceId);
    ObjectNode target = existing != null ? existing : Json.object();
    if (existing == null) {
      if (!request.has("MinCapacity") || !request.has("MaxCapacity")) {
        throw AwsException.client(
            "ValidationException",
            "MinCapacity and MaxCapacity are required for a new scalable target.");
      }
      target
          .put("ServiceNamespace", "ecs")
          .put("ResourceId", resourceId)
          .put("ScalableDimension", DIMENSION)
          .put(
              "RoleARN",
              Json.text(request, "RoleARN")
                  .orElse(
                      "arn:aws:iam::%s:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService"
                          .formatted(account)))
          .put(
              "ScalableTargetARN",
              "arn:aws:application-autoscaling:%s:%s:scalable-target/%s"
                  .formatted(
                      region,
                      account,
                      UUID.randomUUID().toString().replace("-", "").substring(0, 24)));
      target.set("CreationTime", Json.epochSeconds(clock.instant()));
      target
          .putObject("SuspendedState")
          .put("DynamicScalingInSuspended", false)
          .put("DynamicScalingOutSuspended", false)
          .put("ScheduledScalingSuspended", false);
    }
    int min =
        request.has("MinCapacity")
            ? request.path("MinCapacity").asInt()
            : target.path("MinCapacity").asInt();
    int max =
        request.has("MaxCapacity")
            ? request.path("MaxCapacity").asInt()
            : target.path("MaxCapacity").asInt();
    if (min < 0 || max < min) {
      throw AwsException.client(
          "ValidationException", "Maximum capacity cannot be less than minimum capacity");
    }
    target.put("MinCapacity", min).put("MaxCapacity", max);
    if (request.has("SuspendedState")) {
      ((ObjectNode) target.path("SuspendedState"))
          .setAll((ObjectNode) request.get("SuspendedState"));
    }
    targets.put(resourceId, target);
    enforceBounds();
    return Json.object().put("ScalableTargetARN", target.path("ScalableTargetARN").asText());
  }

  private JsonNode describeTargets(JsonNode request) {
    namespace(request);
    List<String> ids = Json.texts(request, "ResourceIds");
    List<ObjectNode> matching =
        targets.values().stream()
            .filter(t -> ids.isEmpty() || ids.contains(t.path("ResourceId").asText()))
            .toList();
    return page(request, matching, "ScalableTargets");
  }

  private JsonNode deregister(JsonNode request) {
    String resourceId = resourceId(request);
    if (targets.remove(resourceId) == null) {
      throw noTarget(resourceId);
    }
    policies.values().removeIf(p -> p.path("ResourceId").asText().equals(resourceId));
    return Json.object();
  }

  private JsonNode putPolicy(JsonNode request) {
    String resourceId = resourceId(request);
    if (!targets.containsKey(resourceId)) {
      throw noTarget(resourceId);
    }
    String name = Json.requiredText(request, "PolicyName");
    String arn =
        "arn:aws:autoscaling:%s:%s:scalingPolicy:%s:resource/ecs/%s:policyName/%s"
            .formatted(region, account, UUID.randomUUID(), resourceId, name);
    ObjectNode policy = ((ObjectNode) request.deepCopy()).put("PolicyARN", arn);
    policy.put("PolicyType", Json.text(request, "PolicyType").orElse("StepScaling"));
    policy.set("CreationTime", Json.epochSeconds(clock.instant()));
    policy.putArray("Alarms");
    policies.put(resourceId + "\0" + name, policy);
    ObjectNode response = Json.object().put("PolicyARN", arn);
    response.putArray("Alarms");
    return response;
  }

  private JsonNode describePolicies(JsonNode request) {
    namespace(request);
    Optional<String> resourceId = Json.text(request, "ResourceId");
    List<String> names = Json.texts(request, "PolicyNames");
    List<ObjectNode> matching =
        policies.values().stream()
            .filter(p -> resourceId.map(r -> r.equals(p.path("ResourceId").asText())).orElse(true))
            .filter(p -> names.isEmpty() || names.contains(p.path("PolicyName").asText()))
            .toList();
    return page(request, matching, "ScalingPolicies");
  }

  private JsonNode deletePolicy(JsonNode request) {
    String key = resourceId(request) + "\0" + Json.requiredText(request, "PolicyName");
    if (policies.remove(key) == null) {
      throw AwsException.client(
          "ObjectNotFoundException",
          "No scaling policy found for service namespace: ecs, resource ID: %s, scalable dimension: %s, policy name: %s"
              .formatted(resourceId(request), DIMENSION, request.path("PolicyName").asText()));
    }
    return Json.object();
  }

  private static AwsException noTarget(String resourceId) {
    return AwsException.client(
        "ObjectNotFoundException",
        "No scalable target registered for service namespace: ecs, resource ID: %s, scalable dimension: %s"
            .formatted(resourceId, DIMENSION));
  }

  private static void namespace(JsonNode request) {
    String namespace = Json.requiredText(request, "ServiceNamespace");
    if (!namespace.equals("ecs")) {
      throw AwsException.client(
          "ValidationException",
          "The sandbox supports service namespace ecs only, not " + namespace);
    }
  }

  private static String resourceId(JsonNode request) {
    namespace(request);
    String dimension = Json.requiredText(request, "ScalableDimension");
    if (!dimension.equals(DIMENSION)) {
      throw AwsException.client(
          "ValidationException", "Unsupported scalable dimension " + dimension);
    }
    String resourceId = Json.requiredText(request, "ResourceId");
    if (!resourceId.matches("service/[A-Za-z0-9_-]+/[A-Za-z0-9_-]+")) {
      throw AwsException.client(
          "ValidationException",
          "Unsupported resource ID " + resourceId + "; expected service/<cluster>/<service>");
    }
    return resourceId;
  }

  /** One page of a listing, at most 50 items, as Application Auto Scaling answers. */
  private static JsonNode page(JsonNode request, List<ObjectNode> items, String field) {
    var page =
        Pagination.page(
            items, optionalInt(request, "MaxResults"), Json.text(request, "NextToken"), 50, 50);
    ObjectNode response = Json.object();
    ArrayNode array = response.putArray(field);
    page.items().forEach(array::add);
    page.nextToken().ifPresent(t -> response.put("NextToken", t));
    return response;
  }

  private static Optional<Integer> optionalInt(JsonNode request, String field) {
    return request.has(field) ? Optional.of(request.path(field).asInt()) : Optional.empty();
  }
}
