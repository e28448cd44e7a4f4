package dev.sherlock.sandbox.logs;

import java.util.ArrayList;
import java.util.List;

/**
 * CloudWatch Logs' text filter patterns: {@code ERROR Exception} (every term), {@code ?ERROR ?WARN}
 * (any term), {@code "exact phrase"}, {@code -excluded}. Matching is case-sensitive, as in AWS.
 * JSON and space-delimited patterns are not supported and are rejected, not guessed.
 */
final class FilterPattern {
  private final List<String> all = new ArrayList<>();
  private final List<String> any = new ArrayList<>();
  private final List<String> none = new ArrayList<>();

  private FilterPattern() {}

  static FilterPattern parse(String pattern) {
    FilterPattern parsed = new FilterPattern();
    String text = pattern.strip();
    if (text.startsWith("{") || text.startsWith("[")) {
      throw new IllegalArgumentException(
          "JSON and space-delimited filter patterns are not supported by the sandbox");
    }
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
        continue;
      }
      List<String> target = parsed.all;
      if (c == '?') {
        target = parsed.any;
        i++;
      } else if (c == '-') {
        target = parsed.none;
        i++;
      }
      String term;
      if (i < text.length() && text.charAt(i) == '"') {
        int end = text.indexOf('"', i + 1);
        if (end < 0) {
          throw new IllegalArgumentException("Invalid filter pattern: unclosed quote");
        }
        term = text.substring(i + 1, end);
        i = end + 1;
      } else {
        int end = i;
        while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
          end++;
        }
        term = text.substring(i, end);
        i = end;
      }
      if (!term.isEmpty()) {
        target.add(term);
      }
    }
    return parsed;
  }

  boolean matches(String message) {
    for (String term : all) {
      if (!message.contains(term)) {
        return false;
      }
    }
    for (String term : none) {
      if (message.contains(term)) {
        return false;
      }
    }
    return any.isEmpty() || any.stream().anyMatch(message::contains);
  }
}
