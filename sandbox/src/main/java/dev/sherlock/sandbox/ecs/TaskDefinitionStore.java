package dev.sherlock.sandbox.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.sandbox.http.AwsException;
import dev.sherlock.sandbox.http.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Task-definition families and their revisions. A revision is kept as the JSON it was registered
 * with, so every field - documented today or added later - round-trips exactly.
 */
final class TaskDefinitionStore {
  private static final Pattern FAMILY = Pattern.compile("[A-Za-z0-9_-]{1,255}");
  private static final Pattern CONTAINER_NAME = Pattern.compile("[A-Za-z0-9_-]{1,255}");

  /** One registered revision. */
  static final class Revision {
    final String family;
    final int revision;
    final String arn;
    final ObjectNode definition;
    final Map<String, String> tags;

    Revision(
        String family, int revision, String arn, ObjectNode definition, Map<String, String> tags) {
      this.family = family;
      this.revision = revision;
      this.arn = arn;
      this.definition = definition;
      this.tags = tags;
    }

    boolean active() {
      return definition.path("status").asText().equals("ACTIVE");
    }

    List<JsonNode> containers() {
      List<JsonNode> containers = new ArrayList<>();
      definition.path("containerDefinitions").forEach(containers::add);
      return containers;
    }
  }

  private final Arns arns;
  private final Map<String, TreeMap<Integer, Revision>> families = new TreeMap<>();
  private final Map<String, Revision> byArn = new LinkedHashMap<>();
  private final Map<String, Integer> nextNumbers = new java.util.HashMap<>();

  TaskDefinitionStore(Arns arns) {
    this.arns = arns;
  }

  Revision register(JsonNode request, Instant now) {
    String family = Json.requiredText(request, "family");
    if (!FAMILY.matcher(family).matches()) {
      throw AwsException.client(
          "ClientException",
          "Family contains invalid characters: up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.");
    }
    JsonNode containers = request.path("containerDefinitions");
    if (!containers.isArray() || containers.isEmpty()) {
      throw AwsException.client("ClientException", "Container list cannot be empty.");
    }
    java.util.Set<String> names = new java.util.HashSet<>();
    for (JsonNode container : containers) {
      String name = container.path("name").asText("");
      if (!CONTAINER_NAME.matcher(name).matches()) {
        throw AwsException.client("ClientException", "Container.name should not be null or empty.");
      }
      if (!names.add(name)) {
        throw AwsException.client("ClientException", "Duplicate container names are not allowed.");
      }
      if (container.path("image").asText("").isEmpty()) {
        throw AwsException.client(
            "ClientException", "Container.image should not be null or empty.");
      }
    }
    if (Json.texts(request, "requiresCompatibilities").contains("FARGATE")) {
      if (!request.has("cpu") || !request.has("memory")) {
        throw AwsException.client(
            "ClientException", "Fargate requires that 'cpu' be defined at the task level.");
      }
      if (!"awsvpc".equals(request.path("networkMode").asText())) {
        throw AwsException.client(
            "ClientException", "Fargate only supports network mode 'awsvpc'.");
      }
    }
    TreeMap<Integer, Revision> revisions = families.computeIfAbsent(family, f -> new TreeMap<>());
    int next = revisions.isEmpty() ? 1 : revisions.lastKey() + 1;
    int number = Math.max(next, nextNumbers.getOrDefault(family, next));
    nextNumbers.remove(family);
    String arn = arns.taskDefinition(family, number);
    ObjectNode definition = request.deepCopy();
    definition.remove("tags");
    definition.put("taskDefinitionArn", arn);
    definition.put("revision", number);
    definition.put("status", "ACTIVE");
    if (!definition.has("networkMode")) {
      definition.put("networkMode", "bridge");
    }
    // ECS answers these lists even when empty; tools (fabfuel/ecs-deploy) read them unchecked.
    for (String list : List.of("volumes", "placementConstraints")) {
      if (!definition.path(list).isArray()) {
        definition.set(list, Json.array());
      }
    }
    definition.set("compatibilities", Json.arrayOf(List.of("EC2", "FARGATE")));
    definition.set("requiresAttributes", Json.array());
    definition.set("registeredAt", Json.epochSeconds(now));
    definition.put("registeredBy", "arn:aws:iam::%s:root".formatted(arns.account()));
    Revision revision =
        new Revision(family, number, arn, definition, Tags.fromJson(request.path("tags")));
    revisions.put(number, revision);
    byArn.put(arn, revision);
    return revision;
  }

  /**
   * The number the family's next registration gets, when it is higher than the next one: a world
   * seeded from a fleet's state keeps that fleet's revision numbers.
   */
  void numberNext(String family, int revision) {
    nextNumbers.put(family, revision);
  }

  /** By ARN, {@code family:revision}, or {@code family} (its latest ACTIVE revision). */
  Optional<Revision> find(String reference) {
    if (reference.startsWith("arn:")) {
      return Optional.ofNullable(byArn.get(reference));
    }
    int colon = reference.lastIndexOf(':');
    if (colon > 0) {
      try {
        int number = Integer.parseInt(reference.substring(colon + 1));
        return Optional.ofNullable(
            families.getOrDefault(reference.substring(0, colon), new TreeMap<>()).get(number));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
    return families.getOrDefault(reference, new TreeMap<>()).descendingMap().values().stream()
        .filter(Revision::active)
        .findFirst();
  }

  Revision require(String reference) {
    return find(reference)
        .orElseThrow(
            () -> AwsException.client("ClientException", "Unable to describe task definition."));
  }

  Revision deregister(String reference, Instant now) {
    if (!reference.startsWith("arn:") && reference.lastIndexOf(':') < 0) {
      throw AwsException.client("ClientException", "Revision is required.");
    }
    Revision revision = require(reference);
    revision.definition.put("status", "INACTIVE");
    revision.definition.set("deregisteredAt", Json.epochSeconds(now));
    return revision;
  }

  List<Revision> all() {
    List<Revision> all = new ArrayList<>();
    families.values().forEach(r -> all.addAll(r.values()));
    return all;
  }

  Optional<Revision> byArn(String arn) {
    return Optional.ofNullable(byArn.get(arn));
  }

  List<String> families() {
    return List.copyOf(families.keySet());
  }
}
