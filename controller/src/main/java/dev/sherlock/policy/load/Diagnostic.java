package dev.sherlock.policy.load;

import java.util.Comparator;

/**
 * One problem in one policy file, printed compiler-style so editors and CI annotate it: {@code
 * file:line:column: error: message}. A problem of the whole file (empty, too large, nested too
 * deeply) is placed at line 1, column 1, so every line has the same shape for tools to read.
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
    return new Diagnostic(file, 1, 1, message);
  }

  public String format() {
    return "%s:%d:%d: error: %s".formatted(file, line, column, message);
  }
}
