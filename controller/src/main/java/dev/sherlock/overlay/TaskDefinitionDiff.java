package dev.sherlock.overlay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.aws.SdkJson;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;

/**
 * The difference between two registrations of a task definition, in the terms a person reviews:
 * containers added or removed (by name), environment variables set or changed (by name), and any
 * other field that differs, with its JSON path. Tags are left out: they are bookkeeping.
 */
public final class TaskDefinitionDiff {
  private TaskDefinitionDiff() {}

  /** One reviewable change. */
  public sealed interface Change {
    record ContainerAdded(String container, JsonNode definition) implements Change {}

    record ContainerRemoved(String container) implements Change {}

    record EnvironmentSet(
        String container, String variable, Optional<String> before, Optional<String> after)
        implements Change {}

    record FieldChanged(String path, Optional<JsonNode> before, Optional<JsonNode> after)
        implements Change {}
  }

  public static List<Change> between(
      RegisterTaskDefinitionRequest before, RegisterTaskDefinitionRequest after) {
    ObjectNode a = SdkJson.write(before);
    ObjectNode b = SdkJson.write(after);
    List<Change> changes = new ArrayList<>();
    Map<String, JsonNode> containersBefore = byName(a.path("containerDefinitions"));
    Map<String, JsonNode> containersAfter = byName(b.path("containerDefinitions"));
    for (var entry : containersAfter.entrySet()) {
      JsonNode old = containersBefore.get(entry.getKey());
      if (old == null) {
        changes.add(new Change.ContainerAdded(entry.getKey(), entry.getValue()));
      } else {
        containerChanges(entry.getKey(), old, entry.getValue(), changes);
      }
    }
    containersBefore.keySet().stream()
        .filter(name -> !containersAfter.containsKey(name))
        .forEach(name -> changes.add(new Change.ContainerRemoved(name)));
    for (String field : fieldNames(a, b)) {
      if (!field.equals("containerDefinitions") && !field.equals("tags")) {
        fieldChange(field, a.get(field), b.get(field), changes);
      }
    }
    return changes;
  }

  private static void containerChanges(
      String container, JsonNode before, JsonNode after, List<Change> changes) {
    Map<String, String> envBefore = environment(before.path("environment"));
    Map<String, String> envAfter = environment(after.path("environment"));
    for (String name : union(envBefore.keySet(), envAfter.keySet())) {
      Optional<String> was = Optional.ofNullable(envBefore.get(name));
      Optional<String> now = Optional.ofNullable(envAfter.get(name));
      if (!was.equals(now)) {
        changes.add(new Change.EnvironmentSet(container, name, was, now));
      }
    }
    for (String field : fieldNames(before, after)) {
      if (!field.equals("environment")) {
        fieldChange(
            "containerDefinitions[" + container + "]." + field,
            before.get(field),
            after.get(field),
            changes);
      }
    }
  }

  private static void fieldChange(
      String path, JsonNode before, JsonNode after, List<Change> changes) {
    if (before == null ? after != null : !before.equals(after)) {
      changes.add(
          new Change.FieldChanged(path, Optional.ofNullable(before), Optional.ofNullable(after)));
    }
  }

  private static Map<String, JsonNode> byName(JsonNode containers) {
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    containers.forEach(c -> byName.put(c.path("name").asText(), c));
    return byName;
  }

  private static Map<String, String> environment(JsonNode pairs) {
    Map<String, String> environment = new LinkedHashMap<>();
    pairs.forEach(kv -> environment.put(kv.path("name").asText(), kv.path("value").asText()));
    return environment;
  }

  private static Set<String> fieldNames(JsonNode a, JsonNode b) {
    Set<String> names = new LinkedHashSet<>();
    for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new LinkedHashSet<>(a);
    all.addAll(b);
    return all;
  }
}
