package dev.sherlock.sandbox.xray;

import dev.sherlock.sandbox.http.AwsException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of X-Ray's filter expression language that traces here can answer: {@code
 * service("name")}, the boolean keywords {@code ok}, {@code error}, {@code fault}, {@code
 * throttle}, the numbers {@code responsetime}, {@code duration} and {@code http.status} compared
 * with {@code = != < <= > >=}, and {@code AND}, {@code OR}, {@code !}, parentheses. Anything else
 * is refused as X-Ray refuses what it cannot parse: an InvalidRequestException, never a silent
 * match-all.
 */
final class TraceFilter {
  private static final Pattern TOKEN =
      Pattern.compile(
          "\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|>=|<=|!=|[=<>!(){}]|[A-Za-z_][A-Za-z0-9_.]*|\\d+(?:\\.\\d+)?)");

  private final List<String> tokens;
  private int at;

  private TraceFilter(List<String> tokens) {
    this.tokens = tokens;
  }

  /** The predicate of {@code expression}; a blank expression matches every trace. */
  static Predicate<Trace> parse(String expression) {
    if (expression == null || expression.isBlank()) {
      return t -> true;
    }
    List<String> tokens = new ArrayList<>();
    Matcher m = TOKEN.matcher(expression);
    int end = 0;
    while (m.lookingAt()) {
      tokens.add(m.group(1));
      end = m.end();
      m.region(end, expression.length());
    }
    if (!expression.substring(end).isBlank()) {
      throw invalid("cannot parse the filter expression at: " + expression.substring(end).strip());
    }
    TraceFilter parser = new TraceFilter(tokens);
    Predicate<Trace> predicate = parser.or();
    if (parser.at < tokens.size()) {
      throw invalid("unexpected " + tokens.get(parser.at) + " in the filter expression");
    }
    return predicate;
  }

  private Predicate<Trace> or() {
    Predicate<Trace> left = and();
    while (accept("OR") || accept("or")) {
      left = left.or(and());
    }
    return left;
  }

  private Predicate<Trace> and() {
    Predicate<Trace> left = unary();
    while (accept("AND") || accept("and")) {
      left = left.and(unary());
    }
    return left;
  }

  private Predicate<Trace> unary() {
    if (accept("!")) {
      return unary().negate();
    }
    if (accept("(")) {
      Predicate<Trace> inner = or();
      expect(")");
      return inner;
    }
    String word = next();
    return switch (word) {
      case "service" -> {
        expect("(");
        String name = next();
        if (!name.startsWith("\"")) {
          throw invalid("service() takes a quoted name");
        }
        expect(")");
        String unquoted = name.substring(1, name.length() - 1);
        yield t -> t.service().equals(unquoted);
      }
      case "ok" -> bool(t -> !t.error() && !t.fault() && !t.throttle());
      case "error" -> bool(Trace::error);
      case "fault" -> bool(Trace::fault);
      case "throttle" -> bool(Trace::throttle);
      case "responsetime", "duration" -> number(Trace::seconds);
      case "http.status" -> number(t -> t.status());
      default -> throw invalid("the sandbox's X-Ray does not know the keyword " + word);
    };
  }

  /** {@code error} alone, or {@code error = true|false}. */
  private Predicate<Trace> bool(Predicate<Trace> keyword) {
    if (accept("=")) {
      String value = next();
      return switch (value) {
        case "true" -> keyword;
        case "false" -> keyword.negate();
        default -> throw invalid("expected true or false, found " + value);
      };
    }
    return keyword;
  }

  private Predicate<Trace> number(java.util.function.ToDoubleFunction<Trace> value) {
    String op = next();
    double limit;
    try {
      limit = Double.parseDouble(next());
    } catch (NumberFormatException e) {
      throw invalid("expected a number after " + op);
    }
    return switch (op) {
      case "=" -> t -> value.applyAsDouble(t) == limit;
      case "!=" -> t -> value.applyAsDouble(t) != limit;
      case "<" -> t -> value.applyAsDouble(t) < limit;
      case "<=" -> t -> value.applyAsDouble(t) <= limit;
      case ">" -> t -> value.applyAsDouble(t) > limit;
      case ">=" -> t -> value.applyAsDouble(t) >= limit;
      default -> throw invalid("expected a comparison, found " + op);
    };
  }

  private boolean accept(String token) {
    if (at < tokens.size() && tokens.get(at).equals(token)) {
      at++;
      return true;
    }
    return false;
  }

  private void expect(String token) {
    if (!accept(token)) {
      throw invalid("expected " + token + " in the filter expression");
    }
  }

  private String next() {
    if (at >= tokens.size()) {
      throw invalid("the filter expression ends too early");
    }
    return tokens.get(at++);
  }

  private static AwsException invalid(String message) {
    return AwsException.client("InvalidRequestException", message);
  }
}
