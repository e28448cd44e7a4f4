package dev.sherlock.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sherlock.aws.SdkJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * Services as ECS describes them, read from a file instead of the API: {@code services} holds
 * DescribeServices' {@code services} entries, {@code taskDefinitions} whole DescribeTaskDefinition
 * outputs ({@code taskDefinition} and {@code tags}), and the optional {@code scalableTargets}
 * DescribeScalableTargets' entries - exactly what {@code aws ecs describe-services} and friends
 * print, so a state file can be made by pasting.
 */
public record ClusterState(
    List<Service> services,
    List<DescribeTaskDefinitionResponse> taskDefinitions,
    List<ScalableTarget> scalableTargets) {
  private static final long MAX_BYTES = 16L << 20;

  /** A state file that cannot be used, with a message for the person who gave it. */
  public static final class StateException extends Exception {
    public StateException(String message) {
      super(message, null, false, false);
    }
  }

  public static ClusterState read(Path file) throws StateException {
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new StateException("%s: error: state file is larger than 16 MiB".formatted(file));
      }
      JsonNode root = JsonMapper.builder().build().readTree(Files.readAllBytes(file));
      if (root == null || !root.isObject()) {
        throw new StateException(
            "%s: error: expected a JSON object with services and taskDefinitions".formatted(file));
      }
      return new ClusterState(
          list(root, "services", j -> SdkJson.<Service>read(j, Service.builder())),
          list(
              root,
              "taskDefinitions",
              j ->
                  SdkJson.<DescribeTaskDefinitionResponse>read(
                      j, DescribeTaskDefinitionResponse.builder())),
          list(
              root,
              "scalableTargets",
              j -> SdkJson.<ScalableTarget>read(j, ScalableTarget.builder())));
    } catch (JsonProcessingException e) {
      var location = e.getLocation();
      throw new StateException(
          "%s:%d:%d: error: invalid JSON: %s"
              .formatted(
                  file,
                  location == null ? 1 : location.getLineNr(),
                  location == null ? 1 : location.getColumnNr(),
                  e.getOriginalMessage()));
    } catch (IOException e) {
      throw new StateException(
          "%s: error: cannot read the state file: %s"
              .formatted(
                  file,
                  e instanceof java.nio.file.NoSuchFileException
                      ? "no such file"
                      : dev.sherlock.UserError.oneLine(e)));
    } catch (IllegalArgumentException e) {
      throw new StateException("%s: error: %s".formatted(file, e.getMessage()));
    }
  }

  /** The base task definition a service runs, by ARN or {@code family:revision}. */
  public Optional<DescribeTaskDefinitionResponse> taskDefinition(String arnOrRevision) {
    return taskDefinitions.stream()
        .filter(
            d ->
                d.taskDefinition() != null
                    && (arnOrRevision.equals(d.taskDefinition().taskDefinitionArn())
                        || arnOrRevision.equals(
                            d.taskDefinition().family() + ":" + d.taskDefinition().revision())))
        .findFirst();
  }

  /** The Application Auto Scaling target of a service ({@code service/cluster/name}), if any. */
  public Optional<ScalableTarget> scalableTarget(String clusterName, String serviceName) {
    String resourceId = "service/%s/%s".formatted(clusterName, serviceName);
    return scalableTargets.stream().filter(t -> resourceId.equals(t.resourceId())).findFirst();
  }

  private interface Reader<T> {
    T read(JsonNode json);
  }

  private static <T> List<T> list(JsonNode root, String field, Reader<T> reader) {
    JsonNode array = root.path(field);
    if (array.isMissingNode()) {
      return List.of();
    }
    if (!array.isArray()) {
      throw new IllegalArgumentException("'%s' must be a JSON array".formatted(field));
    }
    List<T> items = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      try {
        items.add(reader.read(array.get(i)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("%s[%d]: %s".formatted(field, i, e.getMessage()), e);
      }
    }
    return items;
  }

  static Map<String, String> tagsOf(Service service) {
    Map<String, String> tags = new HashMap<>();
    service.tags().forEach(t -> tags.put(t.key(), t.value()));
    return tags;
  }
}
