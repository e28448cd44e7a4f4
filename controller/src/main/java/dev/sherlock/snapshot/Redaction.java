package dev.sherlock.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of findings, the one path every finding's text takes ({@code Findings.record}).
 * It knows secrets by their names - a key, flag, header or variable whose name ends in password,
 * secret, token, api key, credentials and the like - and by their shapes: URL user information, AWS
 * access keys, bearer and basic credentials, JWTs, PEM private keys, and the token formats of
 * GitHub, Slack, Stripe and Google. It errs on the side of hiding: a redacted non-secret costs a
 * responder a look; a leaked secret costs more. Names that only contain such a word ({@code
 * max_tokens}, {@code TOKEN_URL}, {@code author}) are left alone.
 */
public final class Redaction {
  public static final String REDACTED = "(redacted)";

  /** Endings of names that hold secrets, matched case-insensitively at the end of a name. */
  private static final String SECRET_WORDS =
      "(?:password|passwd|pwd|passphrase|secret|token|api[_-]?key|access[_-]?key|secret[_-]?key"
          + "|private[_-]?key|credentials?|authorization|auth)";

  private static final List<String> SECRET_ENDINGS =
      List.of(
          "password",
          "passwd",
          "pwd",
          "passphrase",
          "secret",
          "token",
          "apikey",
          "accesskey",
          "secretkey",
          "privatekey",
          "credential",
          "credentials",
          "authorization",
          "auth");

  /** Each rule replaces what it matches; they run in order, most specific first. */
  private record Rule(Pattern pattern, Function<MatchResult, String> replacement) {
    String apply(String text) {
      return pattern.matcher(text).replaceAll(m -> Matcher.quoteReplacement(replacement.apply(m)));
    }
  }

  private static final List<Rule> RULES =
      List.of(
          // A PEM private key, header to footer (or to the end, when cut off).
          new Rule(
              Pattern.compile(
                  "-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\\s\\S]*?(?:-----END \\1PRIVATE KEY-----|$)"),
              m -> REDACTED),
          // HTTP headers that carry credentials: the whole value.
          new Rule(
              Pattern.compile(
                  "(?i)\\b((?:proxy-)?authorization|cookie|set-cookie|x-api-key|x-auth-token)(\\s*:\\s*)"
                      + "((?:bearer|basic|digest|negotiate|token)\\s+)?[^\\r\\n\"]+"),
              m -> m.group(1) + m.group(2) + (m.group(3) == null ? "" : m.group(3)) + REDACTED),
          // scheme://user:password@host
          new Rule(
              Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://[^\\s/:@]+:)[^\\s/@]+@"),
              m -> m.group(1) + REDACTED + "@"),
          // "password": "..." and 'token': '...' (JSON, Python, JavaScript)
          new Rule(
              Pattern.compile(
                  "(?i)([\"'])([\\w.-]*"
                      + SECRET_WORDS
                      + ")\\1(\\s*:\\s*)(\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'|[^\\s,}\\]]+)"),
              m ->
                  m.group(1)
                      + m.group(2)
                      + m.group(1)
                      + m.group(3)
                      + (m.group(4).startsWith("\"") ? "\"" + REDACTED + "\"" : REDACTED)),
          // --password hunter2, --db-token=abc
          new Rule(
              Pattern.compile(
                  "(?i)(--[\\w-]*" + SECRET_WORDS + ")(=|\\s+)(\"[^\"]*\"|'[^']*'|\\S+)"),
              m -> m.group(1) + m.group(2) + REDACTED),
          // password=..., api_key: ..., Password=...; in a connection string, ?token=...&
          new Rule(
              Pattern.compile(
                  "(?i)(?<![\\w:/-])([\\w.-]*"
                      + SECRET_WORDS
                      + ")(\\s*[=:]\\s*)"
                      // not what a rule above already redacted: "Authorization: Bearer (redacted)"
                      + "(?!\\(redacted\\)|(?:bearer|basic|digest|negotiate|token)\\s)"
                      + "(\"[^\"]*\"|'[^']*'|[^\\s;&,]+)"),
              m -> m.group(1) + m.group(2) + REDACTED),
          // Shapes that are secrets whatever they are called.
          // A bearer token: a word of token characters with a digit or symbol in it ("Bearer of
          // bad news" is not one).
          new Rule(
              Pattern.compile("(?i)\\b(bearer\\s+)(?=[A-Za-z]*[0-9._~+/=-])[A-Za-z0-9._~+/=-]{8,}"),
              m -> m.group(1) + REDACTED),
          new Rule(Pattern.compile("\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b"), m -> REDACTED),
          new Rule(
              Pattern.compile("\\beyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{5,}"),
              m -> REDACTED),
          new Rule(
              Pattern.compile("\\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,})"),
              m -> REDACTED),
          new Rule(Pattern.compile("\\bxox[abposr]-[A-Za-z0-9-]{10,}"), m -> REDACTED),
          new Rule(Pattern.compile("\\b[sr]k_live_[A-Za-z0-9]{10,}"), m -> REDACTED),
          new Rule(Pattern.compile("\\bAIza[0-9A-Za-z_-]{35}"), m -> REDACTED));

  private Redaction() {}

  /** Whether a name (a JSON key, a variable) holds a secret: it ends in a secret word. */
  public static boolean secretName(String name) {
    String normalized = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    return SECRET_ENDINGS.stream().anyMatch(normalized::endsWith);
  }

  /** Text with every secret-looking part replaced. */
  public static String text(String text) {
    String out = text;
    for (Rule rule : RULES) {
      out = rule.apply(out);
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
            && !field.getValue().isNull()
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
