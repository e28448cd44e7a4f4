package dev.sherlock.sandbox.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Small helpers for reading requests and writing responses as JSON trees. */
public final class Json {
  public static final ObjectMapper MAPPER = JsonMapper.builder().build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Json() {}

  public static ObjectNode object() {
    return NODES.objectNode();
  }

  public static ArrayNode array() {
    return NODES.arrayNode();
  }

  /** AWS JSON protocols send timestamps as epoch seconds with a fraction. */
  public static JsonNode epochSeconds(Instant instant) {
    return NODES.numberNode(BigDecimal.valueOf(instant.toEpochMilli()).movePointLeft(3));
  }

  public static Instant instant(JsonNode node) {
    if (node.isNumber()) {
      return Instant.ofEpochMilli(node.decimalValue().movePointRight(3).longValue());
    }
    return Instant.parse(node.asText());
  }

  public static String requiredText(JsonNode request, String field) {
    JsonNode value = request.get(field);
    if (value == null || value.isNull() || value.asText().isEmpty()) {
      throw AwsException.invalidParameter(field + " can not be blank.");
    }
    return value.asText();
  }

  public static Optional<String> text(JsonNode request, String field) {
    JsonNode value = request.get(field);
    return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
  }

  public static List<String> texts(JsonNode request, String field) {
    List<String> values = new ArrayList<>();
    request.path(field).forEach(v -> values.add(v.asText()));
    return values;
  }

  public static ArrayNode arrayOf(List<String> values) {
    ArrayNode array = array();
    values.forEach(array::add);
    return array;
  }
}
