package dev.sherlock.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sherlock.CommandLineRun;
import dev.sherlock.RepoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Before merging a policy, a platform team runs {@code sherlock plan} against the services it would
 * touch and reads the exact task-definition diff, terraform-style.
 */
class PlanCommandTest {
  private final CommandLineRun run =
      CommandLineRun.of(
          "plan", RepoFiles.policies().toString(), "--state", RepoFiles.exampleState().toString());

  @Test
  void itSucceedsAndSummarises() {
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.outLines().getLast())
        .isEqualTo("Plan: 2 services, 8 possible sessions, 6 of them change the service.");
  }

  @Test
  void theLatencyPolicyRaisesTheLogLevelInANewRevision() {
    assertThat(section("  policy like-latency-debug-logs"))
        .containsExactly(
            "  policy like-latency-debug-logs, enforce, for 30m",
            "    when: metric AWS/ApplicationELB TargetResponseTime p95 > 1 for 3m",
            "    task definition: new revision of like-service:7",
            "      ~ container like-service: environment LOGLEVEL: \"ERROR\" -> \"DEBUG\"",
            "      + container xray-daemon (image public.ecr.aws/xray/aws-xray-daemon:3.3.7, cpu 32,"
                + " memory 256 MiB, ports 2000/udp, essential false, logs awslogs)",
            "    service: ~ taskDefinition: like-service:7 -> the new revision (rolling deployment)",
            "    snapshot: tasks, stoppedTasks, serviceEvents, deployments, metrics, logs, traces (1m"
                + " after the changes are live)");
  }

  @Test
  void theXrayPolicyAddsTheDaemonSidecarLoggingWhereTheAppLogs() {
    assertThat(section("  policy like-5xx-xray"))
        .contains(
            "      + container xray-daemon (image public.ecr.aws/xray/aws-xray-daemon:3.3.7, cpu 32,"
                + " memory 256 MiB, ports 2000/udp, essential false, logs awslogs)")
        .noneMatch(line -> line.contains("environment"));
  }

  @Test
  void theCrashLoopPolicyTurnsOnEcsExec() {
    assertThat(section("  policy crashloop-exec"))
        .contains(
            "      ~ container like-service: environment LOGLEVEL: \"ERROR\" -> \"DEBUG\"",
            "    service: ~ enableExecuteCommand: false -> true");
  }

  @Test
  void theCapacityPolicyRaisesTheScalableTargetsFloor() {
    assertThat(section("  policy monolith-capacity"))
        .contains(
            "    service: ~ scalable target minCapacity: 2 -> 4",
            "    service: ~ cluster mysfits containerInsights: as it is -> at least enhanced, back"
                + " once no session on the cluster needs it")
        .noneMatch(line -> line.contains("task definition"));
  }

  @Test
  void aDryRunPolicyChangesNothing() {
    assertThat(section("  policy oom-snapshot"))
        .contains(
            "  policy oom-snapshot, dryRun: records a Plan finding, changes nothing, for 5m",
            "    no change to the service");
  }

  @Test
  void theIncidentSessionIsPlannedOnItsService() {
    assertThat(section("  session inc-4711"))
        .startsWith(
            "  session inc-4711 (DebugSession, runs policy like-latency-debug-logs), enforce, for 45m")
        .contains("      ~ container like-service: environment LOGLEVEL: \"ERROR\" -> \"DEBUG\"");
  }

  @Test
  void secretsOfTheTaskDefinitionAreNeverPrinted() {
    assertThat(run.out()).doesNotContain("API_TOKEN", "like-api-token", "DDB_TABLE_NAME");
  }

  @Test
  void aVariableWithASecretLookingNameIsRedacted(@TempDir Path dir) throws IOException {
    Path policy = dir.resolve("token.yaml");
    Files.writeString(
        policy,
        """
        apiVersion: sherlock.dev/v1alpha1
        kind: DebugPolicy
        metadata: {name: debug-token}
        spec:
          target: {cluster: mysfits, services: [like-service]}
          triggers: [{deploymentFailed: {}}]
          actions:
            - setEnvironment: {container: like-service, variables: {DEBUG_API_TOKEN: hunter2}}
        """);

    CommandLineRun plan =
        CommandLineRun.of(
            "plan", policy.toString(), "--state", RepoFiles.exampleState().toString());

    assertThat(plan.out())
        .contains("+ container like-service: environment DEBUG_API_TOKEN = (redacted)")
        .doesNotContain("hunter2");
  }

  @Test
  void invalidPoliciesStopThePlan() throws Exception {
    Path broken = Path.of(getClass().getResource("/broken-policies/bad-duration.yaml").toURI());

    CommandLineRun plan =
        CommandLineRun.of(
            "plan", broken.toString(), "--state", RepoFiles.exampleState().toString());

    assertThat(plan.exitCode()).isEqualTo(1);
    assertThat(plan.out()).isEmpty();
    assertThat(plan.err())
        .contains("bad-duration.yaml:12:15: error: spec.session.duration: bad duration");
  }

  @Test
  void aBrokenStateFileIsReportedWhereItBreaks(@TempDir Path dir) throws IOException {
    Path state = Files.writeString(dir.resolve("state.json"), "{\n  \"services\": [\n    {,\n");

    CommandLineRun plan =
        CommandLineRun.of("plan", RepoFiles.policies().toString(), "--state", state.toString());

    assertThat(plan.exitCode()).isEqualTo(1);
    assertThat(plan.err()).startsWith(state + ":3:6: error: invalid JSON");
  }

  /** The lines of one block of the plan: from its header to the next block at its depth. */
  private List<String> section(String header) {
    List<String> lines = run.outLines();
    List<String> block = new ArrayList<>();
    for (String line : lines) {
      if (block.isEmpty()) {
        if (line.startsWith(header)) {
          block.add(line);
        }
      } else if (line.startsWith("  policy")
          || line.startsWith("  session")
          || !line.startsWith("  ")) {
        break;
      } else {
        block.add(line);
      }
    }
    assertThat(block).as("block %s in:%n%s", header, run.out()).isNotEmpty();
    return block;
  }
}
