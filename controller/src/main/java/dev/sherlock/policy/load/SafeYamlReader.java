package dev.sherlock.policy.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Reads YAML that nobody vetted (policy files from any pull request) into JSON trees, bounded so
 * that no file can exhaust memory or time: size, nesting depth, aliases, and the number of nodes
 * after alias expansion are all capped. It never constructs Java objects from tags, and it reads
 * scalars the JSON way (only {@code true}/{@code false} are booleans, so {@code CHAOSMODE: on}
 * stays a string-typed mistake the schema reports, not a silent boolean).
 */
public final class SafeYamlReader {
  /** Limits of one file; the defaults are generous for policies and tiny for attackers. */
  public record Limits(int maxBytes, int maxDepth, int maxAliases, int maxNodes) {
    public static final Limits DEFAULT = new Limits(1 << 20, 64, 50, 100_000);
  }

  /** The documents of a file, or the one problem that stopped reading it. */
  public record Result(List<YamlDocument> documents, List<Diagnostic> problems) {}

  private static final Pattern INT = Pattern.compile("[-+]?[0-9]+");
  private static final Pattern FLOAT =
      Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  private static final Pattern BOOL = Pattern.compile("true|True|TRUE|false|False|FALSE");
  private static final Pattern NULL = Pattern.compile("~|null|Null|NULL|");

  private final Limits limits;

  public SafeYamlReader(Limits limits) {
    this.limits = limits;
  }

  public SafeYamlReader() {
    this(Limits.DEFAULT);
  }

  public Result read(Path path, String displayName) {
    long size;
    try {
      size = Files.size(path);
    } catch (IOException e) {
      return failure(Diagnostic.ofFile(displayName, "cannot read file: " + describe(e)));
    }
    Optional<Diagnostic> tooLarge = sizeProblem(size, displayName);
    if (tooLarge.isPresent()) {
      return failure(tooLarge.get());
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (IOException e) {
      return failure(Diagnostic.ofFile(displayName, "cannot read file: " + describe(e)));
    }
    return read(bytes, displayName);
  }

  /** Why a file of this size is not read, if it is too large. */
  public Optional<Diagnostic> sizeProblem(long size, String displayName) {
    return size > limits.maxBytes()
        ? Optional.of(
            Diagnostic.ofFile(
                displayName,
                "file is %s; policy files are limited to %s"
                    .formatted(humanBytes(size), humanBytes(limits.maxBytes()))))
        : Optional.empty();
  }

  public Result read(byte[] bytes, String displayName) {
    String text;
    try {
      text = decodeUtf8(bytes);
    } catch (CharacterCodingException e) {
      return failure(notUtf8(bytes, displayName));
    }
    if (text.isBlank()) {
      return failure(Diagnostic.ofFile(displayName, "file is empty: expected a YAML document"));
    }
    List<YamlDocument> documents = new ArrayList<>();
    try {
      int index = 0;
      for (Node node : yaml().composeAll(new StringReader(text))) {
        if (node == null || isEmptyDocument(node)) {
          continue;
        }
        SourceMap positions = new SourceMap();
        JsonNode root = new Converter(positions).convert(node, "");
        documents.add(new YamlDocument(displayName, index++, root, positions));
      }
    } catch (MarkedYAMLException e) {
      var mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String message = "invalid YAML: " + firstLine(e.getProblem());
      return failure(
          mark == null
              ? Diagnostic.ofFile(displayName, message)
              : Diagnostic.at(displayName, SourcePosition.of(mark), message));
    } catch (ReaderException e) {
      return failure(
          Diagnostic.at(
              displayName,
              positionOfOffset(text, e.getPosition()),
              "invalid YAML: character U+%04X is not allowed".formatted(e.getCodePoint())));
    } catch (LimitExceeded e) {
      return failure(Diagnostic.at(displayName, e.position, e.getMessage()));
    } catch (YAMLException e) {
      return failure(Diagnostic.ofFile(displayName, limitMessage(e)));
    } catch (StackOverflowError e) {
      return failure(Diagnostic.ofFile(displayName, "YAML is nested too deeply"));
    }
    if (documents.isEmpty()) {
      return failure(Diagnostic.ofFile(displayName, "file is empty: expected a YAML document"));
    }
    return new Result(documents, List.of());
  }

  /** A document of nothing but comments, as before a first {@code ---}. */
  private static boolean isEmptyDocument(Node node) {
    return node instanceof ScalarNode scalar
        && scalar.isPlain()
        && NULL.matcher(scalar.getValue()).matches();
  }

  private Yaml yaml() {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(limits.maxAliases());
    options.setAllowRecursiveKeys(false);
    options.setNestingDepthLimit(limits.maxDepth());
    options.setCodePointLimit(limits.maxBytes());
    options.setMergeOnCompose(true);
    DumperOptions dumper = new DumperOptions();
    return new Yaml(new SafeConstructor(options), new Representer(dumper), dumper, options);
  }

  /** Turns composed nodes into JSON, recording positions and counting nodes as it goes. */
  private final class Converter {
    private final SourceMap positions;
    private int nodes;

    Converter(SourceMap positions) {
      this.positions = positions;
    }

    JsonNode convert(Node node, String pointer) {
      SourcePosition position = SourcePosition.of(node.getStartMark());
      if (++nodes > limits.maxNodes()) {
        throw new LimitExceeded(
            position,
            "document has more than %d nodes (after expanding aliases)"
                .formatted(limits.maxNodes()));
      }
      positions.putValue(pointer, position);
      if (explicitlyTagged(node)) {
        // A tag would change what a value means (!!int "3", !!timestamp, !Custom) behind the
        // schema's back; the language has plain values only.
        throw new LimitExceeded(
            position,
            "YAML tag %s is not allowed: write the value plainly (quote it to make it a string)"
                .formatted(node.getTag().getValue().replace(Tag.PREFIX, "!!")));
      }
      return switch (node) {
        case ScalarNode scalar -> scalar(scalar);
        case SequenceNode sequence -> {
          ArrayNode array = JsonNodeFactory.instance.arrayNode();
          List<Node> items = sequence.getValue();
          for (int i = 0; i < items.size(); i++) {
            array.add(convert(items.get(i), SourceMap.child(pointer, i)));
          }
          yield array;
        }
        case MappingNode mapping -> mapping(mapping, pointer);
        default -> throw new LimitExceeded(position, "unsupported YAML node");
      };
    }

    private ObjectNode mapping(MappingNode mapping, String pointer) {
      ObjectNode object = JsonNodeFactory.instance.objectNode();
      Map<String, SourcePosition> seen = new HashMap<>();
      for (NodeTuple tuple : mapping.getValue()) {
        SourcePosition keyPosition = SourcePosition.of(tuple.getKeyNode().getStartMark());
        if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
          throw new LimitExceeded(keyPosition, "mapping keys must be plain strings");
        }
        String name = key.getValue();
        SourcePosition first = seen.putIfAbsent(name, keyPosition);
        if (first != null) {
          throw new LimitExceeded(
              keyPosition, "duplicate key '%s' (first at line %d)".formatted(name, first.line()));
        }
        String childPointer = SourceMap.child(pointer, name);
        positions.putKey(childPointer, keyPosition);
        object.set(name, convert(tuple.getValueNode(), childPointer));
      }
      return object;
    }

    private JsonNode scalar(ScalarNode scalar) {
      String value = scalar.getValue();
      if (!scalar.isPlain() || Tag.STR.equals(scalar.getTag())) {
        return JsonNodeFactory.instance.textNode(value);
      }
      if (NULL.matcher(value).matches()) {
        return JsonNodeFactory.instance.nullNode();
      }
      if (BOOL.matcher(value).matches()) {
        return JsonNodeFactory.instance.booleanNode(value.equalsIgnoreCase("true"));
      }
      if (INT.matcher(value).matches()) {
        BigInteger number = new BigInteger(value);
        return number.bitLength() < 64
            ? JsonNodeFactory.instance.numberNode(number.longValue())
            : JsonNodeFactory.instance.numberNode(number);
      }
      if (FLOAT.matcher(value).matches()) {
        double number = Double.parseDouble(value);
        boolean underflow = number == 0 && new BigDecimal(value).signum() != 0;
        if (Double.isInfinite(number) || underflow) {
          throw new LimitExceeded(
              SourcePosition.of(scalar.getStartMark()),
              "number %s is out of range".formatted(value));
        }
        return JsonNodeFactory.instance.numberNode(number);
      }
      return JsonNodeFactory.instance.textNode(value);
    }
  }

  /**
   * Whether the node carries a tag of its own ({@code !!int}, {@code !foo}) rather than one the
   * resolver gave it. SnakeYAML keeps that in a protected field; the non-specific tag {@code !}
   * counts as resolved.
   */
  private static boolean explicitlyTagged(Node node) {
    try {
      return !RESOLVED.getBoolean(node);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final Field RESOLVED = resolvedField();

  private static Field resolvedField() {
    try {
      Field field = Node.class.getDeclaredField("resolved");
      field.setAccessible(true);
      return field;
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException("SnakeYAML without Node.resolved", e);
    }
  }

  /** A bound crossed while converting; carries where. */
  private static final class LimitExceeded extends RuntimeException {
    final transient SourcePosition position;

    LimitExceeded(SourcePosition position, String message) {
      super(message, null, false, false);
      this.position = position;
    }
  }

  private static String decodeUtf8(byte[] bytes) throws CharacterCodingException {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    String text = decoder.decode(ByteBuffer.wrap(bytes)).toString();
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  /** Points at the first byte that is not UTF-8, counting lines and characters before it. */
  private static Diagnostic notUtf8(byte[] bytes, String file) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
    ByteBuffer in = ByteBuffer.wrap(bytes);
    var out = java.nio.CharBuffer.allocate(bytes.length + 1);
    decoder.decode(in, out, true);
    int badOffset = in.position();
    out.flip();
    SourcePosition position = positionOfOffset(out.toString(), out.length());
    return Diagnostic.at(
        file,
        position,
        "file is not UTF-8 text (byte 0x%02X)"
            .formatted(bytes[Math.min(badOffset, bytes.length - 1)] & 0xff));
  }

  private static SourcePosition positionOfOffset(String text, int offset) {
    int line = 1;
    int column = 1;
    for (int i = 0; i < Math.min(offset, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return new SourcePosition(line, column);
  }

  private String limitMessage(YAMLException e) {
    String message = firstLine(e.getMessage());
    if (message.contains("aliases")) {
      return "too many YAML aliases (at most %d; is this an alias bomb?)"
          .formatted(limits.maxAliases());
    }
    if (message.contains("Nesting Depth")) {
      return "YAML is nested too deeply (more than %d levels)".formatted(limits.maxDepth());
    }
    if (message.contains("code points")) {
      return "file is too large";
    }
    return "invalid YAML: " + message;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  private static String humanBytes(long bytes) {
    return bytes >= 1 << 20
        ? "%.1f MiB".formatted(bytes / (double) (1 << 20))
        : "%d KiB".formatted(bytes >> 10);
  }

  private static String describe(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static Result failure(Diagnostic problem) {
    return new Result(List.of(), List.of(problem));
  }
}
