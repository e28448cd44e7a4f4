package dev.sherlock.cli;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.policy.load.Diagnostic;
import dev.sherlock.policy.load.LoadedDocument;
import dev.sherlock.policy.load.PolicySet;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sherlock validate PATH...}: checks policy files the way a compiler checks code, for a
 * platform team's CI. Exit 0 when everything is valid, 1 with one {@code file:line:column: error:}
 * line per problem otherwise.
 */
@Command(
    name = "validate",
    description = "Check policy files and directories; one file:line:column line per problem.")
public final class ValidateCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin PolicyArguments paths;

  @Option(
      names = "--output",
      defaultValue = "text",
      description = "text (compiler style) or json. Default: ${DEFAULT-VALUE}.")
  OutputFormat output;

  @Override
  public Integer call() throws Exception {
    PolicySet set = paths.load("validate", spec.commandLine().getErr());
    PrintWriter out = spec.commandLine().getOut();
    if (output == OutputFormat.json) {
      out.println(
          JsonMapper.builder()
              .build()
              .writerWithDefaultPrettyPrinter()
              .writeValueAsString(json(set)));
    } else {
      set.problems().forEach(p -> out.println(p.format()));
      out.println(summary(set));
    }
    out.flush();
    return set.isValid() ? 0 : 1;
  }

  private static String summary(PolicySet set) {
    long policies = set.policies().size();
    long sessions = set.sessions().size();
    String documents =
        "%d polic%s, %d session%s"
            .formatted(policies, policies == 1 ? "y" : "ies", sessions, sessions == 1 ? "" : "s");
    if (set.isValid()) {
      return "valid: " + documents;
    }
    long files = set.problems().stream().map(Diagnostic::file).distinct().count();
    return "%d error%s in %d file%s (valid: %s)"
        .formatted(
            set.problems().size(),
            set.problems().size() == 1 ? "" : "s",
            files,
            files == 1 ? "" : "s",
            documents);
  }

  private static ObjectNode json(PolicySet set) {
    JsonNodeFactory json = JsonNodeFactory.instance;
    ObjectNode root = json.objectNode();
    root.put("valid", set.isValid());
    var documents = root.putArray("documents");
    for (LoadedDocument document : set.documents()) {
      documents
          .addObject()
          .put("file", document.source().file())
          .put("kind", document.model().kind())
          .put("name", document.model().metadata().name());
    }
    var problems = root.putArray("problems");
    for (Diagnostic problem : set.problems()) {
      problems
          .addObject()
          .put("file", problem.file())
          .put("line", problem.line())
          .put("column", problem.column())
          .put("severity", "error")
          .put("message", problem.message());
    }
    return root;
  }
}
