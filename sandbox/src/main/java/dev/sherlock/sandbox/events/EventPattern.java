package dev.sherlock.sandbox.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An EventBridge event pattern. Every field of the pattern must match (AND); a field's list of
 * values matches when any value does (OR); when the event holds an array, any element will do.
 * Supported: exact values, {@code prefix}, {@code suffix}, {@code anything-but} (value, list, or
 * {@code prefix}), {@code numeric} ranges, {@code exists}, {@code equals-ignore-case}, {@code
 * wildcard}, and {@code $or}.
 */
public final class EventPattern {
  private final JsonNode pattern;

  private EventPattern(JsonNode pattern) {
    this.pattern = pattern;
  }

  /**
   * @throws IllegalArgumentException with EventBridge's kind of message when the pattern is bad
   */
  public static EventPattern parse(JsonNode pattern) {
    if (!pattern.isObject() || pattern.isEmpty()) {
      throw new IllegalArgumentException("Event pattern must be a non-empty JSON object.");
    }
    validate(pattern, "");
    return new EventPattern(pattern);
  }

  public boolean matches(JsonNode event) {
    return matchesObject(pattern, event);
  }

  private static void validate(JsonNode node, String path) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      var field = it.next();
      JsonNode value = field.getValue();
      if (field.getKey().equals("$or")) {
        if (!value.isArray() || value.size() < 2) {
          throw new IllegalArgumentException("$or must be an array of at least two patterns.");
        }
        value.forEach(p -> validate(p, path));
      } else if (value.isObject()) {
        validate(value, path + "." + field.getKey());
      } else if (value.isArray()) {
        if (value.isEmpty()) {
          throw new IllegalArgumentException(
              "Empty arrays are not allowed at " + path + "." + field.getKey());
        }
        value.forEach(EventPattern::validateMatcher);
      } else {
        throw new IllegalArgumentException(
            "Match value must be String, number, true, false, or null at %s.%s"
                .formatted(path, field.getKey()));
      }
    }
  }

  private static void validateMatcher(JsonNode matcher) {
    if (!matcher.isObject()) {
      return;
    }
    if (matcher.size() != 1) {
      throw new IllegalArgumentException("Only one key allowed in a content filter: " + matcher);
    }
    String operator = matcher.fieldNames().next();
    JsonNode operand = matcher.get(operator);
    switch (operator) {
      case "prefix", "suffix", "equals-ignore-case", "wildcard" -> {
        if (!operand.isTextual()) {
          throw new IllegalArgumentException(operator + " match pattern must be a string.");
        }
      }
      case "exists" -> {
        if (!operand.isBoolean()) {
          throw new IllegalArgumentException("exists match pattern must be either true or false.");
        }
      }
      case "numeric" -> {
        if (!operand.isArray() || operand.isEmpty() || operand.size() % 2 != 0) {
          throw new IllegalArgumentException(
              "Value of numeric must be an array of operator and number pairs.");
        }
        for (int i = 0; i < operand.size(); i += 2) {
          if (!List.of("<", "<=", "=", ">", ">=").contains(operand.get(i).asText())
              || !operand.get(i + 1).isNumber()) {
            throw new IllegalArgumentException(
                "Unrecognized numeric range operator: " + operand.get(i));
          }
        }
      }
      case "anything-but" -> {}
      default -> throw new IllegalArgumentException("Unrecognized match type " + operator);
    }
  }

  private static boolean matchesObject(JsonNode pattern, JsonNode event) {
    for (Iterator<Map.Entry<String, JsonNode>> it = pattern.fields(); it.hasNext(); ) {
      var field = it.next();
      if (field.getKey().equals("$or")) {
        boolean any = false;
        for (JsonNode alternative : field.getValue()) {
          any |= matchesObject(alternative, event);
        }
        if (!any) {
          return false;
        }
        continue;
      }
      JsonNode value = event == null ? null : event.get(field.getKey());
      if (!matchesField(field.getValue(), value)) {
        return false;
      }
    }
    return true;
  }

  private static boolean matchesField(JsonNode pattern, JsonNode value) {
    if (pattern.isObject()) {
      if (value == null) {
        return false;
      }
      if (value.isArray()) {
        for (JsonNode element : value) {
          if (element.isObject() && matchesObject(pattern, element)) {
            return true;
          }
        }
        return false;
      }
      return value.isObject() && matchesObject(pattern, value);
    }
    List<JsonNode> values = new ArrayList<>();
    if (value != null && value.isArray()) {
      value.forEach(values::add);
    } else if (value != null) {
      values.add(value);
    }
    for (JsonNode matcher : pattern) {
      if (matcher.isObject() && matcher.has("exists")) {
        boolean present = value != null && !value.isObject();
        if (present == matcher.get("exists").asBoolean()) {
          return true;
        }
        continue;
      }
      for (JsonNode v : values) {
        if (matchesValue(matcher, v)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean matchesValue(JsonNode matcher, JsonNode value) {
    if (!matcher.isObject()) {
      return equal(matcher, value);
    }
    String operator = matcher.fieldNames().next();
    JsonNode operand = matcher.get(operator);
    return switch (operator) {
      case "prefix" -> value.isTextual() && value.asText().startsWith(operand.asText());
      case "suffix" -> value.isTextual() && value.asText().endsWith(operand.asText());
      case "equals-ignore-case" ->
          value.isTextual() && value.asText().equalsIgnoreCase(operand.asText());
      case "wildcard" ->
          value.isTextual() && wildcard(operand.asText()).matcher(value.asText()).matches();
      case "numeric" -> value.isNumber() && numeric(operand, value.asDouble());
      case "anything-but" -> anythingBut(operand, value);
      default -> false;
    };
  }

  private static boolean anythingBut(JsonNode operand, JsonNode value) {
    if (operand.isArray()) {
      for (JsonNode excluded : operand) {
        if (equal(excluded, value)) {
          return false;
        }
      }
      return true;
    }
    if (operand.isObject()) {
      return !matchesValue(operand, value);
    }
    return !equal(operand, value);
  }

  private static boolean numeric(JsonNode ranges, double value) {
    for (int i = 0; i < ranges.size(); i += 2) {
      double bound = ranges.get(i + 1).asDouble();
      boolean ok =
          switch (ranges.get(i).asText()) {
            case "<" -> value < bound;
            case "<=" -> value <= bound;
            case "=" -> value == bound;
            case ">" -> value > bound;
            case ">=" -> value >= bound;
            default -> false;
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean equal(JsonNode expected, JsonNode actual) {
    if (expected.isNumber() && actual.isNumber()) {
      return expected.asDouble() == actual.asDouble();
    }
    return expected.equals(actual);
  }

  private static Pattern wildcard(String glob) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '\\' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
        regex.append("\\*");
        i++;
      } else if (c == '*') {
        regex.append(".*");
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }
}
