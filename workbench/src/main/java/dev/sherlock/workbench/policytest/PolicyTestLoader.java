package dev.sherlock.workbench.policytest;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.policy.load.Diagnostic;
import dev.sherlock.policy.load.PolicyBinder;
import dev.sherlock.policy.load.PolicyLoader;
import dev.sherlock.policy.load.SafeYamlReader;
import dev.sherlock.policy.load.SchemaValidator;
import dev.sherlock.policy.load.YamlDocument;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the {@code PolicyTest} documents of files and directories, checked against their schema as
 * policies are, with every problem at its {@code file:line:column}. Documents of other kinds are
 * passed over: tests may live beside the policies they test.
 */
public final class PolicyTestLoader {
  /** The tests read, and what was wrong with the rest. */
  public record Loaded(List<LoadedTest> tests, List<Diagnostic> problems) {}

  /** A test and the document it came from, for positions of later problems. */
  public record LoadedTest(PolicyTest test, YamlDocument source) {}

  private final SafeYamlReader reader = new SafeYamlReader();
  private final SchemaValidator schema = SchemaValidator.forKind(PolicyTest.KIND);

  public Loaded load(List<Path> paths) {
    List<Diagnostic> problems = new ArrayList<>();
    List<LoadedTest> tests = new ArrayList<>();
    for (Path file : PolicyLoader.yamlFiles(paths, problems)) {
      SafeYamlReader.Result read = reader.read(file, file.toString());
      problems.addAll(read.problems());
      for (YamlDocument document : read.documents()) {
        if (!document.root().path("kind").asText().equals(PolicyTest.KIND)) {
          continue;
        }
        List<Diagnostic> found = schema.validate(document);
        if (!found.isEmpty()) {
          problems.addAll(found);
          continue;
        }
        try {
          tests.add(new LoadedTest(bind(document), document));
        } catch (JsonMappingException e) {
          problems.add(
              Diagnostic.at(
                  document.file(), document.positions().value("/spec"), e.getOriginalMessage()));
        }
      }
    }
    return new Loaded(tests, problems);
  }

  /**
   * Binds a schema-valid document. A timeline step is written {@code {at: 2m, oomKill: {...}}}; the
   * model holds it as {@code {at, what: {oomKill: {...}}}}.
   */
  private static PolicyTest bind(YamlDocument document) throws JsonMappingException {
    ObjectNode spec = ((ObjectNode) document.root().get("spec")).deepCopy();
    if (spec.get("timeline") instanceof ArrayNode timeline) {
      ArrayNode steps = spec.putArray("timeline");
      for (JsonNode item : timeline) {
        ObjectNode what = ((ObjectNode) item).deepCopy();
        JsonNode at = what.remove("at");
        steps.addObject().set("at", at);
        ((ObjectNode) steps.get(steps.size() - 1)).set("what", what);
      }
    }
    try {
      PolicyTest.Spec bound = PolicyBinder.mapper().treeToValue(spec, PolicyTest.Spec.class);
      return new PolicyTest(
          document.file(), document.root().path("metadata").path("name").asText(), bound);
    } catch (JsonMappingException e) {
      throw e;
    } catch (java.io.IOException e) {
      throw JsonMappingException.fromUnexpectedIOE(e);
    }
  }
}
