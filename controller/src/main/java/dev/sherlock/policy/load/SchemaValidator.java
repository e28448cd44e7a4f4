package dev.sherlock.policy.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * Checks a document against the JSON Schema of its kind (from {@code crds-yaml/}, carried in the
 * jar) and words each violation for the person who wrote the YAML, at the position they would fix:
 * an unknown field at its key, a missing one at its parent's key, a bad value at the value.
 */
public final class SchemaValidator {
  private final Schema schema;
  private final JsonNode schemaRoot;

  private SchemaValidator(JsonNode schemaRoot, String id) {
    this.schemaRoot = schemaRoot;
    this.schema =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
            .getSchema(SchemaLocation.of(id), schemaRoot);
  }

  /** The validator of one {@code crds-yaml/<name>.schema.yaml} on the classpath. */
  public static SchemaValidator forKind(String kind) {
    String resource = "crds-yaml/" + kind.toLowerCase(Locale.ROOT) + ".schema.yaml";
    JsonNode root = loadSchema(resource);
    return new SchemaValidator(root, root.path("$id").asText(resource));
  }

  /** The schema as a JSON tree, for tools (and tests) that inspect it. */
  public static JsonNode loadSchema(String resource) {
    try (InputStream in = SchemaValidator.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("schema " + resource + " is missing from the jar");
      }
      var result = new SafeYamlReader().read(in.readAllBytes(), resource);
      if (!result.problems().isEmpty()) {
        throw new IllegalStateException(result.problems().getFirst().format());
      }
      return result.documents().getFirst().root();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public List<Diagnostic> validate(YamlDocument document) {
    List<Error> errors = schema.validate(document.root());
    Set<String> hasUnknownKey = new HashSet<>();
    for (Error error : errors) {
      if ("additionalProperties".equals(error.getKeyword())) {
        hasUnknownKey.add(pointer(error.getInstanceLocation()));
      }
    }
    List<Diagnostic> problems = new ArrayList<>();
    for (Error error : errors) {
      String at = pointer(error.getInstanceLocation());
      boolean countOfKinds =
          "minProperties".equals(error.getKeyword()) || "maxProperties".equals(error.getKeyword());
      if (countOfKinds && hasUnknownKey.contains(at)) {
        continue; // the unknown key is the one defect; don't also count it
      }
      problems.add(describe(document, error, at));
    }
    return problems;
  }

  private Diagnostic describe(YamlDocument document, Error error, String at) {
    SourceMap positions = document.positions();
    JsonNode value = document.root().at(at);
    JsonNode keywordSchema = schemaAt(error.getSchemaLocation());
    JsonNode owner = schemaAt(error.getSchemaLocation(), 1);
    String where = dotted(at);
    String file = document.file();
    return switch (error.getKeyword()) {
      case "additionalProperties" -> {
        String name = error.getProperty();
        String allowed = names(owner.path("properties"));
        String title = owner.path("title").asText("");
        String message =
            title.isEmpty()
                ? "unknown field '%s'%s (expected one of: %s)"
                    .formatted(name, where.isEmpty() ? "" : " in " + where, allowed)
                : "unknown %s kind '%s' (expected one of: %s)".formatted(title, name, allowed);
        yield Diagnostic.at(file, positions.key(SourceMap.child(at, name)), message);
      }
      case "required" ->
          Diagnostic.at(
              file,
              positions.key(at),
              "%smissing required field '%s'"
                  .formatted(where.isEmpty() ? "" : where + ": ", error.getProperty()));
      case "type" ->
          Diagnostic.at(
              file,
              positions.value(at),
              "%s: wrong type: expected %s, got %s%s"
                  .formatted(
                      where,
                      keywordSchema.asText(),
                      typeOf(value),
                      keywordSchema.asText().equals("string") && value.isValueNode()
                          ? " (quote the value)"
                          : ""));
      case "pattern" -> {
        String definition = definitionName(error.getSchemaLocation());
        yield Diagnostic.at(
            file,
            positions.value(at),
            "%s: bad %s '%s': expected %s"
                .formatted(
                    where, definition, value.asText(), owner.path("description").asText("")));
      }
      case "enum" ->
          Diagnostic.at(
              file,
              positions.value(at),
              "%s: '%s' is not one of: %s".formatted(where, value.asText(), list(keywordSchema)));
      case "const" ->
          Diagnostic.at(
              file,
              positions.value(at),
              "%s: expected '%s', got '%s'"
                  .formatted(where, keywordSchema.asText(), value.asText()));
      case "minProperties", "maxProperties" -> {
        String title = owner.path("title").asText("");
        String message =
            title.isEmpty()
                ? "%s: must not be empty".formatted(where)
                : "a %s names exactly one kind, one of: %s"
                    .formatted(title, names(owner.path("properties")));
        yield Diagnostic.at(file, positions.value(at), message);
      }
      case "minItems" ->
          Diagnostic.at(
              file,
              positions.key(at),
              "%s: needs at least %d item%s"
                  .formatted(where, keywordSchema.asInt(), keywordSchema.asInt() == 1 ? "" : "s"));
      case "minimum" ->
          Diagnostic.at(
              file,
              positions.value(at),
              "%s: must be at least %s".formatted(where, keywordSchema.asText()));
      case "exclusiveMinimum" ->
          Diagnostic.at(
              file,
              positions.value(at),
              "%s: must be greater than %s".formatted(where, keywordSchema.asText()));
      case "maximum" ->
          Diagnostic.at(
              file,
              positions.value(at),
              "%s: must be at most %s".formatted(where, keywordSchema.asText()));
      case "minLength" ->
          Diagnostic.at(file, positions.value(at), "%s: must not be empty".formatted(where));
      case "propertyNames" -> {
        String name = error.getProperty() == null ? "" : error.getProperty();
        JsonNode names = keywordSchema;
        if (names.has("$ref")) {
          names = schemaRoot.at(names.path("$ref").asText().substring(1));
        }
        yield Diagnostic.at(
            file,
            positions.key(SourceMap.child(at, name)),
            "%s: bad name '%s': expected %s"
                .formatted(where, name, names.path("description").asText("")));
      }
      case "maxLength" ->
          Diagnostic.at(
              file,
              positions.value(at),
              "%s: is %d characters long; at most %d are allowed"
                  .formatted(where, value.asText().length(), keywordSchema.asInt()));
      default ->
          Diagnostic.at(
              file, positions.value(at), "%s: %s".formatted(where, error.getMessage()).strip());
    };
  }

  /** The schema node a location points at, or its ancestor {@code up} levels higher. */
  private JsonNode schemaAt(SchemaLocation location, int up) {
    NodePath fragment = location.getFragment();
    JsonNode node = schemaRoot;
    for (int i = 0; i < fragment.getNameCount() - up; i++) {
      Object element = fragment.getElement(i);
      node = element instanceof Integer index ? node.path(index) : node.path(element.toString());
    }
    return node;
  }

  private JsonNode schemaAt(SchemaLocation location) {
    return schemaAt(location, 0);
  }

  /** {@code clusterGlob} is a "glob", {@code containerName} a "container name". */
  private static String definitionName(SchemaLocation location) {
    NodePath fragment = location.getFragment();
    for (int i = 0; i + 1 < fragment.getNameCount(); i++) {
      if ("definitions".equals(fragment.getName(i))) {
        String name = fragment.getName(i + 1);
        if (name.endsWith("Glob")) {
          return "glob";
        }
        if (name.equals("objectName") || name.equals("ecsName")) {
          return "name";
        }
        return name.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
      }
    }
    return "value";
  }

  static String pointer(NodePath path) {
    StringBuilder pointer = new StringBuilder();
    for (int i = 0; i < path.getNameCount(); i++) {
      Object element = path.getElement(i);
      pointer.append(
          element instanceof Integer index
              ? SourceMap.child("", index)
              : SourceMap.child("", element.toString()));
    }
    return pointer.toString();
  }

  /** {@code /spec/triggers/0/metric} as {@code spec.triggers[0].metric}, the way people say it. */
  static String dotted(String pointer) {
    StringBuilder out = new StringBuilder();
    for (String part : pointer.split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      if (part.chars().allMatch(Character::isDigit)) {
        out.append('[').append(part).append(']');
      } else {
        out.append(out.isEmpty() ? "" : ".").append(part.replace("~1", "/").replace("~0", "~"));
      }
    }
    return out.toString();
  }

  private static String typeOf(JsonNode value) {
    return switch (value.getNodeType()) {
      case ARRAY -> "a list";
      case OBJECT -> "a mapping";
      case STRING -> "string";
      case NUMBER -> value.isIntegralNumber() ? "integer" : "number";
      case BOOLEAN -> "boolean";
      case NULL, MISSING -> "nothing (null)";
      default -> value.getNodeType().name().toLowerCase(Locale.ROOT);
    };
  }

  private static String names(JsonNode properties) {
    return StreamSupport.stream(
            java.util.Spliterators.spliteratorUnknownSize(properties.fieldNames(), 0), false)
        .collect(Collectors.joining(", "));
  }

  private static String list(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false)
        .map(JsonNode::asText)
        .collect(Collectors.joining(", "));
  }
}
