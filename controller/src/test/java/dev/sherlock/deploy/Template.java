package dev.sherlock.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.sherlock.RepoFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * helmless-deploy/sherlock.yaml as data. CloudFormation's short tags ({@code !Ref X}, {@code !Sub
 * "..."}) read as their plain values, which is what these checks look at.
 */
final class Template {
  static final JsonNode ROOT = read();

  private Template() {}

  static JsonNode resource(String name) {
    return ROOT.path("Resources").path(name);
  }

  /** The task role's statements, those inside an {@code !If} included. */
  static List<JsonNode> taskRoleStatements() {
    List<JsonNode> statements = new ArrayList<>();
    for (JsonNode policy : resource("TaskRole").path("Properties").path("Policies")) {
      for (JsonNode statement : policy.path("PolicyDocument").path("Statement")) {
        if (statement.isArray()) { // !If [condition, statement, AWS::NoValue]
          statements.add(statement.get(1));
        } else {
          statements.add(statement);
        }
      }
    }
    return statements;
  }

  static List<String> actions(JsonNode statement) {
    List<String> actions = new ArrayList<>();
    JsonNode action = statement.path("Action");
    if (action.isArray()) {
      action.forEach(a -> actions.add(a.asText()));
    } else {
      actions.add(action.asText());
    }
    return actions;
  }

  private static JsonNode read() {
    try {
      return new YAMLMapper()
          .readTree(RepoFiles.root().resolve("helmless-deploy/sherlock.yaml").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
