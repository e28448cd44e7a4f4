package dev.sherlock.policy.load;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sherlock.policy.DebugPolicy;
import dev.sherlock.policy.DebugSession;
import dev.sherlock.policy.PolicyDocument;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Loads policy files and directories: every YAML document is read safely, checked against the
 * schema of its kind, bound to the model, and then checked as a whole set (names unique, sessions
 * naming existing policies, actions that make sense together). It reports every problem, never just
 * the first, and never throws for anything a file contains.
 */
public final class PolicyLoader {
  private static final List<String> KINDS = List.of(DebugPolicy.KIND, DebugSession.KIND);

  /**
   * The kind of {@code sherlock test}'s documents, which live beside the policies they test: not a
   * policy, so it is passed over here (the test runner reads and checks it).
   */
  public static final String POLICY_TEST_KIND = "PolicyTest";

  private final SafeYamlReader reader;
  private final Map<String, SchemaValidator> validators;
  private final PolicyBinder binder = new PolicyBinder();

  public PolicyLoader(SafeYamlReader reader) {
    this.reader = reader;
    this.validators =
        Map.of(
            DebugPolicy.KIND, SchemaValidator.forKind(DebugPolicy.KIND),
            DebugSession.KIND, SchemaValidator.forKind(DebugSession.KIND));
  }

  public PolicyLoader() {
    this(new SafeYamlReader());
  }

  /** Loads the given files and directories (directories: every *.yaml and *.yml under them). */
  public PolicySet load(List<Path> paths) {
    List<Diagnostic> problems = new ArrayList<>();
    List<SafeYamlReader.Result> read = new ArrayList<>();
    for (Path file : yamlFiles(paths, problems)) {
      read.add(reader.read(file, file.toString()));
    }
    return bind(read, problems);
  }

  /**
   * Loads files that are not on disk - a commit's tree - named as given, with the problems already
   * found reading them.
   */
  public PolicySet load(List<PolicyFile> files, List<Diagnostic> readProblems) {
    List<SafeYamlReader.Result> read = new ArrayList<>();
    for (PolicyFile file : files) {
      read.add(reader.read(file.bytes(), file.name()));
    }
    return bind(read, new ArrayList<>(readProblems));
  }

  /** A policy file's name (as diagnostics show it) and its content. */
  public record PolicyFile(String name, byte[] bytes) {}

  private PolicySet bind(List<SafeYamlReader.Result> read, List<Diagnostic> problems) {
    List<YamlDocument> parsed = new ArrayList<>();
    for (SafeYamlReader.Result result : read) {
      problems.addAll(result.problems());
      parsed.addAll(result.documents());
    }
    List<LoadedDocument> bound = new ArrayList<>();
    for (YamlDocument document : parsed) {
      List<Diagnostic> documentProblems = check(document, bound);
      problems.addAll(documentProblems);
    }
    List<Diagnostic> setProblems = new ArrayList<>();
    List<LoadedDocument> valid = new PolicyChecks(parsed).check(bound, setProblems);
    problems.addAll(setProblems);
    return new PolicySet(valid, problems);
  }

  private List<Diagnostic> check(YamlDocument document, List<LoadedDocument> bound) {
    String file = document.file();
    JsonNode root = document.root();
    if (!root.isObject()) {
      return List.of(
          Diagnostic.at(
              file,
              document.positions().value(""),
              "expected a mapping with apiVersion, kind, metadata and spec"));
    }
    JsonNode kind = root.path("kind");
    if (kind.asText().equals(POLICY_TEST_KIND)) {
      return List.of();
    }
    if (!kind.isTextual() || !KINDS.contains(kind.asText())) {
      String message =
          kind.isMissingNode()
              ? "missing required field 'kind' (one of: %s)".formatted(String.join(", ", KINDS))
              : "unknown kind '%s' (expected one of: %s)"
                  .formatted(kind.asText(), String.join(", ", KINDS));
      return List.of(Diagnostic.at(file, document.positions().value("/kind"), message));
    }
    List<Diagnostic> problems = validators.get(kind.asText()).validate(document);
    if (!problems.isEmpty()) {
      return problems;
    }
    try {
      PolicyDocument model = binder.bind(kind.asText(), document);
      bound.add(new LoadedDocument(document, model));
      return List.of();
    } catch (JsonMappingException e) {
      // The schema accepted what the model cannot hold: report it where it is, as a defect.
      String pointer = pointerOf(e);
      return List.of(
          Diagnostic.at(
              file,
              document.positions().value(pointer),
              "%s: %s".formatted(SchemaValidator.dotted(pointer), e.getOriginalMessage())));
    }
  }

  private static String pointerOf(JsonMappingException e) {
    StringBuilder pointer = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      pointer.append(
          ref.getFieldName() != null
              ? SourceMap.child("", ref.getFieldName())
              : SourceMap.child("", ref.getIndex()));
    }
    return pointer.toString();
  }

  /**
   * The YAML files the given files and directories name: directories walked, hidden folders and
   * files passed over, in name order; what cannot be read is added to {@code problems}.
   */
  public static List<Path> yamlFiles(List<Path> paths, List<Diagnostic> problems) {
    List<Path> files = new ArrayList<>();
    for (Path path : paths) {
      if (Files.isDirectory(path)) {
        try (Stream<Path> walk = Files.walk(path)) {
          walk.filter(Files::isRegularFile)
              .filter(PolicyLoader::isYaml)
              .filter(p -> !isHidden(path.relativize(p)))
              .sorted(Comparator.comparing(Path::toString))
              .forEach(files::add);
        } catch (IOException | java.io.UncheckedIOException e) {
          problems.add(Diagnostic.ofFile(path.toString(), "cannot read directory: " + e));
        }
      } else if (Files.isRegularFile(path)) {
        files.add(path);
      } else {
        problems.add(Diagnostic.ofFile(path.toString(), "no such file or directory"));
      }
    }
    return files;
  }

  private static boolean isYaml(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".yaml") || name.endsWith(".yml");
  }

  private static boolean isHidden(Path relative) {
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }
}
