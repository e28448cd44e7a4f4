package dev.sherlock.sandbox.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.sherlock.sandbox.http.AwsException;
import dev.sherlock.sandbox.http.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/** ECS tags: {@code [{key, value}]} on the wire, at most 50 per resource. */
final class Tags {
  private Tags() {}

  static Map<String, String> fromJson(JsonNode tags) {
    Map<String, String> map = new LinkedHashMap<>();
    tags.forEach(t -> map.put(t.path("key").asText(), t.path("value").asText("")));
    if (map.size() > 50) {
      throw AwsException.invalidParameter("Tags can not exceed 50.");
    }
    map.keySet()
        .forEach(
            k -> {
              if (k.isEmpty() || k.length() > 128) {
                throw AwsException.invalidParameter("Tag keys must be 1 to 128 characters.");
              }
            });
    return map;
  }

  static ArrayNode toJson(Map<String, String> tags) {
    ArrayNode array = Json.array();
    tags.forEach((k, v) -> array.addObject().put("key", k).put("value", v));
    return array;
  }
}
