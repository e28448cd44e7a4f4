package dev.sherlock.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/**
 * A name pattern where {@code *} matches any run of characters and {@code ?} one character;
 * everything else matches itself. Which characters a glob may hold is the schemas' business.
 */
public record Glob(String pattern) {
  private static final Pattern ARN_PREFIX = Pattern.compile("^arn:aws[a-z-]*:ecs:[^:]*:[^:]*:");

  @JsonCreator
  public static Glob of(String pattern) {
    return new Glob(pattern);
  }

  @JsonValue
  @Override
  public String pattern() {
    return pattern;
  }

  public boolean matches(String value) {
    return value != null && matches(pattern, 0, value, 0);
  }

  /**
   * Matches an ECS cluster given as name or ARN: a pattern without {@code arn:} is compared with
   * the resource name at the end of the ARN, so {@code mysfits-*} selects {@code
   * arn:aws:ecs:eu-west-1:123456789012:cluster/mysfits-prod}.
   */
  public boolean matchesNameOrArn(String nameOrArn) {
    if (nameOrArn == null) {
      return false;
    }
    boolean valueIsArn = ARN_PREFIX.matcher(nameOrArn).find();
    if (pattern.startsWith("arn:") || !valueIsArn) {
      return matches(nameOrArn);
    }
    return matches(nameOrArn.substring(nameOrArn.lastIndexOf('/') + 1));
  }

  /** Iterative matching with one backtrack point per star: linear in practice, never explosive. */
  private static boolean matches(String p, int pi, String s, int si) {
    int star = -1;
    int mark = 0;
    while (si < s.length()) {
      if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == s.charAt(si))) {
        pi++;
        si++;
      } else if (pi < p.length() && p.charAt(pi) == '*') {
        star = pi++;
        mark = si;
      } else if (star >= 0) {
        pi = star + 1;
        si = ++mark;
      } else {
        return false;
      }
    }
    while (pi < p.length() && p.charAt(pi) == '*') {
      pi++;
    }
    return pi == p.length();
  }

  @Override
  public String toString() {
    return pattern;
  }
}
