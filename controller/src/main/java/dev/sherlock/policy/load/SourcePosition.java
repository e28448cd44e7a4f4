package dev.sherlock.policy.load;

/** A 1-based line and column in a source file. */
public record SourcePosition(int line, int column) {
  public static final SourcePosition START = new SourcePosition(1, 1);

  public static SourcePosition of(org.yaml.snakeyaml.error.Mark mark) {
    return new SourcePosition(mark.getLine() + 1, mark.getColumn() + 1);
  }
}
