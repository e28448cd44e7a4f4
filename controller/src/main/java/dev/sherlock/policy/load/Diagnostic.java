package dev.sherlock.policy.load;

import java.util.Comparator;

/**
 * One problem in one policy file, printed compiler-style so editors and CI annotate it: {@code
 * file:line:column: error: message}, or {@code file: error: message} when it has no position.
 */
public record Diagnostic(String file, int line, int column, String message) {
  public static final Comparator<Diagnostic> BY_POSITION =
      Comparator.comparing(Diagnostic::file)
          .thenComparingInt(Diagnostic::line)
          .thenComparingInt(Diagnostic::column);

  public static Diagnostic at(String file, SourcePosition position, String message) {
    return new Diagnostic(file, position.line(), position.column(), message);
  }

  public static Diagnostic ofFile(String file, String message) {
    return new Diagnostic(file, 0, 0, message);
  }

  public boolean hasPosition() {
    return line > 0;
  }

  public String format() {
    return hasPosition()
        ? "%s:%d:%d: error: %s".formatted(file, line, column, message)
        : "%s: error: %s".formatted(file, message);
  }
}
