package dev.sherlock.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/** Reads request bodies: JSON objects only, small. */
final class RequestJson {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int MAX = 64 * 1024;

  private RequestJson() {}

  static JsonNode read(String body) {
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
