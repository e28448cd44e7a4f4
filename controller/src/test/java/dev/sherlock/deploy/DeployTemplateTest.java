package dev.sherlock.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sherlock.Sherlock;
import dev.sherlock.install.Installer;
import dev.sherlock.store.DynamoDbTables;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What cfn-lint cannot know about helmless-deploy/sherlock.yaml: that it fits Sherlock. */
class DeployTemplateTest {

  @Test
  void everyParameterIsUsed() {
    String text = Template.ROOT.path("Resources").toString() + Template.ROOT.path("Conditions");
    List<String> unused = new ArrayList<>();
    Template.ROOT
        .path("Parameters")
        .fieldNames()
        .forEachRemaining(
            name -> {
              boolean referenced =
                  text.contains("\"" + name + "\"") || text.contains("${" + name + "}");
              if (!referenced) {
                unused.add(name);
              }
            });
    assertThat(unused).isEmpty();
  }

  /**
   * PolicySource takes the baked-in policies or a git remote as `run --policies` does, never one
   * with credentials in it; the git token and the hook's secret reach the container as the
   * variables Sherlock reads, from Secrets Manager, which only the execution role may read.
   */
  @Test
  void aGitPolicySourceGetsItsSecretsFromSecretsManager() {
    Pattern source =
        Pattern.compile(
            Template.ROOT.path("Parameters").path("PolicySource").path("AllowedPattern").asText());
    assertThat(source.matcher("/policies").matches()).isTrue();
    assertThat(
            source
                .matcher("git+https://github.com/acme/platform.git?ref=main&path=policies")
                .matches())
        .isTrue();
    assertThat(source.matcher("git+https://me:ghp_x@github.com/acme/p.git").matches()).isFalse();
    assertThat(source.matcher("/etc").matches()).isFalse();

    JsonNode container =
        Template.resource("TaskDefinition").at("/Properties/ContainerDefinitions/0");
    Map<String, String> secrets = new HashMap<>();
    for (JsonNode secret : container.path("Secrets")) {
      JsonNode named = secret.isArray() ? secret.get(1) : secret; // !If [condition, it, NoValue]
      secrets.put(named.path("Name").asText(), named.path("ValueFrom").asText());
    }
    assertThat(secrets)
        .containsEntry("SHERLOCK_API_TOKEN", "ApiTokenSecretArn")
        .containsEntry("SHERLOCK_GIT_TOKEN", "GitTokenSecretArn")
        .containsEntry("SHERLOCK_GIT_WEBHOOK_SECRET", "GitWebhookSecretArn")
        .containsEntry("SHERLOCK_GIT_SIGNING_KEYS", "GitSigningKeysSecretArn");
    // The keys alone would be ignored: with them, signatures are required.
    assertThat(container.path("Environment").toString())
        .contains("RequiresSignedCommits", "SHERLOCK_GIT_REQUIRE_SIGNED_COMMITS");
    String executionRole = Template.resource("ExecutionRole").toString();
    assertThat(executionRole)
        .contains("GitTokenSecretArn", "GitWebhookSecretArn", "GitSigningKeysSecretArn");
    assertThat(Template.resource("TaskRole").toString()).doesNotContain("secretsmanager");
  }

  @Test
  void noPublicIpByDefaultAndLogsExpire() {
    assertThat(Template.ROOT.path("Parameters").path("AssignPublicIp").path("Default").asText())
        .isEqualTo("DISABLED");
    assertThat(
            Template.resource("Service")
                .at("/Properties/NetworkConfiguration/AwsvpcConfiguration/AssignPublicIp")
                .asText())
        .isEqualTo("AssignPublicIp");
    assertThat(Template.resource("LogGroup").at("/Properties/RetentionInDays").asText())
        .isEqualTo("LogRetentionDays");
  }

  @Test
  void theRoleHasNoWildcardActionAndPassesRolesOnlyToEcsTasks() {
    for (JsonNode statement : Template.taskRoleStatements()) {
      assertThat(Template.actions(statement)).noneMatch(a -> a.contains("*"));
      if (Template.actions(statement).contains("iam:PassRole")) {
        assertThat(statement.at("/Condition/StringEquals/iam:PassedToService").asText())
            .isEqualTo("ecs-tasks.amazonaws.com");
      }
    }
  }

  @Test
  void theRulePatternIsTheOneInstallCreates() throws Exception {
    JsonNode pattern = Template.resource("EventRule").at("/Properties/EventPattern");
    // !If [AllClusters, all clusters, the watched clusters]
    JsonNode all = pattern.get(1);
    JsonNode watched = pattern.get(2);
    // What `sherlock install` makes for policies on mysfits-*.
    JsonNode installed = Installer.pattern(Set.of("mysfits-*"));

    assertThat(all.path("source")).isEqualTo(installed.path("source"));
    assertThat(all.path("detail-type")).isEqualTo(installed.path("detail-type"));
    assertThat(watched.path("detail-type")).isEqualTo(installed.path("detail-type"));
    assertThat(watched.at("/detail/clusterArn/0/wildcard").asText())
        .isEqualTo(
            installed
                .at("/detail/clusterArn/0/wildcard")
                .asText()
                .replace("mysfits-*", "${WatchedClusters}"));
  }

  /** The template's tables are those `sherlock install --store dynamodb` creates. */
  @Test
  void theSharedStoresTablesAreTheOnesInstallCreates() {
    DynamoDbTables tables = new DynamoDbTables("${AWS::StackName}");
    Map<String, JsonNode> inTemplate = new HashMap<>();
    Template.ROOT
        .path("Resources")
        .forEach(
            r -> {
              if (r.path("Type").asText().equals("AWS::DynamoDB::Table")) {
                inTemplate.put(r.at("/Properties/TableName").asText(), r.path("Properties"));
              }
            });
    assertThat(inTemplate.keySet()).containsExactlyInAnyOrderElementsOf(tables.all());
    for (DynamoDbTables.Table table : tables.layout()) {
      JsonNode properties = inTemplate.get(table.name());
      assertThat(properties.at("/KeySchema/0/AttributeName").asText()).isEqualTo(table.key());
      assertThat(properties.path("BillingMode").asText()).isEqualTo("PAY_PER_REQUEST");
      assertThat(
              properties
                  .at("/PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled")
                  .asBoolean())
          .isTrue();
      List<String> indexes = new ArrayList<>();
      for (JsonNode index : properties.path("GlobalSecondaryIndexes")) {
        indexes.add(index.path("IndexName").asText());
        assertThat(index.at("/KeySchema/1/AttributeName").asText()).isEqualTo("order");
        assertThat(index.at("/Projection/ProjectionType").asText()).isEqualTo("ALL");
      }
      assertThat(indexes)
          .containsExactlyInAnyOrderElementsOf(
              table.indexHashKeys().stream().map(k -> "by-" + k).toList());
      assertThat(properties.at("/TimeToLiveSpecification/AttributeName").asText())
          .as("time to live of %s", table.name())
          .isEqualTo(table.expires() ? "expiresAt" : "");
    }
  }

  @Test
  void theContainerRunsACommandSherlockAccepts() {
    JsonNode container =
        Template.resource("TaskDefinition").at("/Properties/ContainerDefinitions/0");
    List<String> command = new ArrayList<>();
    // A parameter's reference stands for what it is given: here, its default.
    JsonNode parameters = Template.ROOT.path("Parameters");
    container
        .path("Command")
        .forEach(
            c ->
                command.add(
                    parameters.has(c.asText())
                        ? parameters.path(c.asText()).path("Default").asText()
                        : c.asText()));
    assertThat(command.getFirst()).isEqualTo("run");
    CommandLine.ParseResult parsed =
        new CommandLine(Sherlock.class).parseArgs(command.toArray(String[]::new));
    assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("run");
    // The store follows the Store parameter, its tables the stack's name, the shards Shards.
    assertThat(String.join(" ", command))
        .contains("--store sqlite --table AWS::StackName --shards 1");

    List<String> health = new ArrayList<>();
    container.at("/HealthCheck/Command").forEach(c -> health.add(c.asText()));
    // CMD java [flags] -cp @classpath dev.sherlock.Sherlock health ... (ImageIT runs it for real)
    assertThat(health.subList(0, 2)).containsExactly("CMD", "java");
    int main = health.indexOf(Sherlock.class.getName());
    assertThat(main).isPositive();
    assertThat(
            new CommandLine(Sherlock.class)
                .parseArgs(health.subList(main + 1, health.size()).toArray(String[]::new))
                .subcommand()
                .commandSpec()
                .name())
        .isEqualTo("health");
    assertThat(container.path("ReadonlyRootFilesystem").asBoolean()).isTrue();
    assertThat(container.path("User").asText()).isNotEqualTo("0").isNotEmpty();
  }

  @Test
  void theRoleScopesServiceChangesToTheWatchedClusters() {
    Set<String> scoped = new HashSet<>();
    Pattern service = Pattern.compile(":service/\\$\\{WatchedClusters}/\\*");
    for (JsonNode statement : Template.taskRoleStatements()) {
      for (JsonNode resource : statement.path("Resource")) {
        Matcher m = service.matcher(resource.asText());
        if (m.find()) {
          scoped.addAll(Template.actions(statement));
        }
      }
    }
    assertThat(scoped).contains("ecs:UpdateService", "ecs:TagResource", "ecs:UntagResource");
  }
}
