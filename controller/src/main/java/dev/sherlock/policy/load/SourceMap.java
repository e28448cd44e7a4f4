package dev.sherlock.policy.load;

import java.util.HashMap;
import java.util.Map;

/**
 * Where each node of a parsed document came from, by JSON Pointer ({@code /spec/triggers/0}), so a
 * problem found on the tree is reported at the line and column a person would fix.
 */
public final class SourceMap {
  private final Map<String, SourcePosition> values = new HashMap<>();
  private final Map<String, SourcePosition> keys = new HashMap<>();

  void putValue(String pointer, SourcePosition position) {
    values.putIfAbsent(pointer, position);
  }

  void putKey(String pointer, SourcePosition position) {
    keys.putIfAbsent(pointer, position);
  }

  /** Where the value at {@code pointer} starts; the nearest enclosing node if it is absent. */
  public SourcePosition value(String pointer) {
    String p = pointer;
    while (!values.containsKey(p) && !p.isEmpty()) {
      p = parent(p);
    }
    return values.getOrDefault(p, SourcePosition.START);
  }

  /**
   * Where the key naming the value at {@code pointer} starts ({@code metric:} rather than the
   * mapping under it); the value's own position for list items and the root.
   */
  public SourcePosition key(String pointer) {
    SourcePosition key = keys.get(pointer);
    return key != null ? key : value(pointer);
  }

  public static String child(String pointer, String name) {
    return pointer + "/" + name.replace("~", "~0").replace("/", "~1");
  }

  public static String child(String pointer, int index) {
    return pointer + "/" + index;
  }

  static String parent(String pointer) {
    int slash = pointer.lastIndexOf('/');
    return slash <= 0 ? "" : pointer.substring(0, slash);
  }
}
