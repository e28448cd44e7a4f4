package dev.sherlock.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sherlock.policy.load.SchemaValidator;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The schemas in crds-yaml/ and the model records are two descriptions of one language. Walking
 * both together, every field of one must be a field of the other, at every depth, and every trigger
 * and action kind must exist on both sides.
 */
class SchemaModelAgreementTest {

  @Test
  void debugPolicySchemaAndModelAgree() {
    JsonNode schema = SchemaValidator.loadSchema("crds-yaml/debugpolicy.schema.yaml");

    assertThat(mismatches(schema, schema, DebugPolicy.class)).isEmpty();
  }

  @Test
  void debugSessionSchemaAndModelAgree() {
    JsonNode schema = SchemaValidator.loadSchema("crds-yaml/debugsession.schema.yaml");

    assertThat(mismatches(schema, schema, DebugSession.class)).isEmpty();
  }

  /** The check itself must be able to fail, or the two tests above prove nothing. */
  @Test
  void aFieldOnlyInTheModelOrOnlyInTheSchemaIsFound() {
    JsonNode schema = SchemaValidator.loadSchema("crds-yaml/debugpolicy.schema.yaml");
    JsonNode restarts = schema.at("/properties/spec/properties/triggers/items/properties/restarts");

    record RestartsWithExtra(int count, Duration within, int jitter) {}
    record RestartsMissingWithin(int count) {}

    assertThat(mismatches(schema, restarts, RestartsWithExtra.class))
        .containsExactly("$: field 'jitter' is in the model but not in the schema");
    assertThat(mismatches(schema, restarts, RestartsMissingWithin.class))
        .containsExactly("$: field 'within' is in the schema but not in the model");
  }

  private static List<String> mismatches(JsonNode root, JsonNode schema, Type type) {
    List<String> found = new ArrayList<>();
    compare(root, schema, type, "$", found);
    return found;
  }

  private static void compare(
      JsonNode root, JsonNode unresolved, Type type, String path, List<String> found) {
    JsonNode schema = resolve(root, unresolved);
    Class<?> raw = rawClass(type);
    if (raw == Optional.class || raw == List.class) {
      Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
      compare(root, raw == List.class ? schema.path("items") : schema, element, path, found);
      return;
    }
    if (raw == Map.class || !schema.has("properties")) {
      return; // free-form maps and scalars: nothing named to compare
    }
    if (raw.isSealed()) {
      compareKinds(root, schema, raw, path, found);
      return;
    }
    Map<String, Type> modelFields = new java.util.LinkedHashMap<>();
    for (RecordComponent component : raw.getRecordComponents()) {
      // @JsonProperty is not a record-component annotation: it lands on the accessor.
      JsonProperty renamed = component.getAccessor().getAnnotation(JsonProperty.class);
      modelFields.put(
          renamed != null ? renamed.value() : component.getName(), component.getGenericType());
    }
    TreeSet<String> schemaFields = names(schema.path("properties"));
    for (String field : schemaFields) {
      if (!modelFields.containsKey(field)) {
        found.add("%s: field '%s' is in the schema but not in the model".formatted(path, field));
      }
    }
    modelFields.forEach(
        (field, fieldType) -> {
          if (!schemaFields.contains(field)) {
            found.add(
                "%s: field '%s' is in the model but not in the schema".formatted(path, field));
          } else {
            compare(
                root, schema.path("properties").path(field), fieldType, path + "." + field, found);
          }
        });
  }

  /**
   * A sealed interface is a one-key mapping per kind: kinds must agree, then each kind's fields.
   */
  private static void compareKinds(
      JsonNode root, JsonNode schema, Class<?> sealed, String path, List<String> found) {
    JsonSubTypes subTypes = sealed.getAnnotation(JsonSubTypes.class);
    Map<String, Class<?>> modelKinds = new java.util.TreeMap<>();
    for (JsonSubTypes.Type subType : subTypes.value()) {
      modelKinds.put(subType.name(), subType.value());
    }
    TreeSet<String> schemaKinds = names(schema.path("properties"));
    assertThat(modelKinds.keySet())
        .as("kinds of %s at %s", sealed.getSimpleName(), path)
        .isEqualTo(schemaKinds);
    assertThat(sealed.getPermittedSubclasses())
        .as("permitted kinds of %s", sealed.getSimpleName())
        .containsExactlyInAnyOrderElementsOf(modelKinds.values());
    modelKinds.forEach(
        (kind, type) ->
            compare(root, schema.path("properties").path(kind), type, path + "." + kind, found));
  }

  private static JsonNode resolve(JsonNode root, JsonNode schema) {
    while (schema.has("$ref")) {
      schema = root.at(schema.path("$ref").asText().substring(1));
    }
    return schema;
  }

  private static Class<?> rawClass(Type type) {
    return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
  }

  private static TreeSet<String> names(JsonNode properties) {
    TreeSet<String> names = new TreeSet<>();
    for (Iterator<String> it = properties.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }
}
