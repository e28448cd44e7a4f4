package dev.sherlock.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;

/** Reads request bodies: JSON objects only, small. */
final class RequestJson {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int MAX = 64 * 1024;

  private RequestJson() {}

  /**
   * The body as a JSON object that has no field but {@code fields}: a field the API does not know
   * is refused, never ignored ({@code "dryRun": true} ignored would enforce what the caller meant
   * to try).
   */
  static JsonNode read(String body, Set<String> fields) {
    JsonNode node = read(body);
    for (var names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!fields.contains(name)) {
        throw new IllegalArgumentException(
            "unknown field '%s': the fields are %s"
                .formatted(name, String.join(", ", new TreeSet<>(fields))));
      }
    }
    return node;
  }

  private static JsonNode read(String body) {
    if (body == null || body.isBlank()) {
      throw new IllegalArgumentException("a JSON object body is required");
    }
    if (body.length() > MAX) {
      throw new IllegalArgumentException("the body is larger than 64 KiB");
    }
    try {
      JsonNode node = JSON.readTree(body);
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException("the body must be a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw new IllegalArgumentException("the body is not JSON: " + e.getMessage());
    }
  }
}
