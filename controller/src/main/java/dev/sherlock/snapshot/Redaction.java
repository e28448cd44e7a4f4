package dev.sherlock.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of findings: values whose names look like secrets, and known token shapes in
 * free text (AWS access keys, bearer tokens, JWTs, {@code password=...} pairs). It errs on the side
 * of hiding: a redacted non-secret costs a responder a look; a leaked secret costs more.
 */
public final class Redaction {
  public static final String REDACTED = "(redacted)";
  private static final Pattern SECRET_NAME =
      Pattern.compile(
          "(?i).*(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credential|auth).*");
  private static final List<Pattern> SECRET_TEXT =
      List.of(
          Pattern.compile("AKIA[0-9A-Z]{16}"),
          Pattern.compile("ASIA[0-9A-Z]{16}"),
          Pattern.compile("(?i)bearer\\s+[A-Za-z0-9._~+/=-]{8,}"),
          Pattern.compile("eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{5,}"),
          Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----"));
  private static final Pattern SECRET_PAIR =
      Pattern.compile(
          "(?i)((?:pass(?:word|wd)?|secret|token|api[_-]?key|credential)[\\w.-]*\\s*[=:]\\s*)(\"[^\"]*\"|'[^']*'|\\S+)");

  private Redaction() {}

  public static boolean secretName(String name) {
    return SECRET_NAME.matcher(name).matches();
  }

  /** A line of text with every secret-looking part replaced. */
  public static String text(String line) {
    String out =
        SECRET_PAIR
            .matcher(line)
            .replaceAll(m -> java.util.regex.Matcher.quoteReplacement(m.group(1) + REDACTED));
    for (Pattern p : SECRET_TEXT) {
      out = p.matcher(out).replaceAll(REDACTED);
    }
    return out;
  }

  /**
   * Redacts a JSON tree in place: values under secret-looking keys, {@code {"name": ..., "value":
   * ...}} pairs (ECS environment entries) with secret-looking names, and secrets in all text.
   */
  public static JsonNode json(JsonNode node) {
    if (node instanceof ObjectNode object) {
      boolean secretPair =
          object.has("name") && object.has("value") && secretName(object.path("name").asText());
      var fields = object.fields();
      while (fields.hasNext()) {
        var field = fields.next();
        if (field.getValue().isValueNode()
            && (secretName(field.getKey()) || (secretPair && field.getKey().equals("value")))) {
          field.setValue(TextNode.valueOf(REDACTED));
        } else {
          field.setValue(json(field.getValue()));
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, json(array.get(i)));
      }
    } else if (node != null && node.isTextual()) {
      return TextNode.valueOf(text(node.asText()));
    }
    return node;
  }
}
