package dev.sherlock.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Each rule of the catalogue on a snapshot shaped as SnapshotTaker records it: the cause it names
 * with the lines behind it, and nothing on a snapshot that lacks its evidence.
 */
class DiagnosisRulesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A quiet service: running tasks, ordinary logs, nothing stopped. */
  private static final String QUIET =
      """
      {"parts": {
        "tasks": {"status": "ok", "data": [{"taskArn": "arn:aws:ecs:us-east-1:1:task/mysfits/aaa", "taskDefinition": "td:1", "containers": [{"name": "like-service", "lastStatus": "RUNNING"}]}]},
        "stoppedTasks": {"status": "ok", "data": []},
        "serviceEvents": {"status": "ok", "data": [{"message": "(service like-service) has reached a steady state."}]},
        "logs": {"status": "ok", "data": [{"task": "aaa", "container": "like-service", "lines": ["DEBUG: handling /like (task aaa)", "INFO: 200 in 130 ms"]}]}
      }}""";

  @Test
  void aQuietSnapshotHasNoCause() {
    assertThat(Diagnoser.causes(evidence(QUIET, Map.of("LOGLEVEL", "DEBUG")))).isEmpty();
  }

  @Test
  void aChaosSwitchIsACauseSurerWhenTheLogsShowItActing() {
    Cause flagOnly =
        only(Diagnoser.causes(evidence(QUIET, Map.of("CHAOSMODE", "on", "LOGLEVEL", "DEBUG"))));
    assertThat(flagOnly.title()).isEqualTo("fault injection is on: CHAOSMODE=on");
    assertThat(flagOnly.confidence()).isEqualTo(0.6);

    String acting =
        logs(
            "DEBUG: handling /like (task aaa)", "WARN: chaos mode injected 1200 ms delay on /like");
    Cause cause = only(Diagnoser.causes(evidence(acting, Map.of("CHAOSMODE", "on"))));
    assertThat(cause.confidence()).isEqualTo(0.9);
    assertThat(cause.evidence())
        .extracting(Cause.Support::text)
        .containsExactly(
            "container like-service: CHAOSMODE=on",
            "like-service/aaa: WARN: chaos mode injected 1200 ms delay on /like");
    assertThat(cause.nextStep()).contains("turn CHAOSMODE off");

    assertThat(Diagnoser.causes(evidence(acting, Map.of("CHAOSMODE", "off")))).isEmpty();
    assertThat(Diagnoser.causes(evidence(QUIET, Map.of("CHAOS_DISABLED", "true")))).isEmpty();
  }

  @Test
  void tracedRequestsSlowedByTheChaosDelayAreEvidenceToo() {
    String traced =
        QUIET.replace(
            "\"logs\":",
            """
            "traces": {"status": "ok", "data": {"slowest": [
              {"id": "1-6b16c214-0b83fa8e540f83dafb7988c7", "method": "POST", "url": "http://like-service/like", "status": 200, "seconds": 2.54,
               "where": {"name": "chaos-delay", "namespace": "local", "seconds": 2.31, "share": 91}},
              {"id": "1-6b16c215-1b83fa8e540f83dafb7988c7", "method": "GET", "url": "http://like-service/mysfits", "status": 200, "seconds": 1.2,
               "where": {"name": "DynamoDB", "namespace": "aws", "seconds": 0.9, "share": 75}}],
             "failed": []}},
            "logs":""");
    Cause cause = only(Diagnoser.causes(evidence(traced, Map.of("CHAOSMODE", "on"))));
    assertThat(cause.confidence()).as("the traces show it acting").isEqualTo(0.9);
    assertThat(cause.evidence())
        .extracting(Cause.Support::part, Cause.Support::text)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "taskDefinition", "container like-service: CHAOSMODE=on"),
            org.assertj.core.groups.Tuple.tuple(
                "traces",
                "1-6b16c214-0b83fa8e540f83dafb7988c7 POST http://like-service/like 200 in 2.54 s:"
                    + " chaos-delay 2.31 s (91%)"));
    assertThat(cause.nextStep()).startsWith("1 traced request shows it acting");
  }

  @Test
  void aDeployJustBeforeTheOnsetIsNamedWithWhatItChanged() {
    Cause cause =
        only(
            Diagnoser.causes(
                evidence(deployed("2026-11-20T09:52:00Z", "like-service:6"), Map.of())));
    assertThat(cause.title())
        .isEqualTo(
            "a deploy shortly before the onset: like-service:7 (from like-service:6, 1 change)");
    assertThat(cause.confidence()).isEqualTo(0.6);
    assertThat(cause.evidence())
        .extracting(Cause.Support::text)
        .containsExactly(
            "like-service:7 registered at 2026-11-20T09:52:00Z, 8 min before the onset at"
                + " 2026-11-20T10:00:00Z",
            "~ container like-service: environment FEATURE_X: (unset) -> \"on\"");
    assertThat(cause.nextStep()).contains("roll back to like-service:6");

    assertThat(
            Diagnoser.causes(
                evidence(deployed("2026-11-20T07:00:00Z", "like-service:6"), Map.of())))
        .as("three hours earlier: no correlation")
        .isEmpty();
    assertThat(Diagnoser.causes(evidence(deployed("2026-11-20T09:52:00Z", null), Map.of())))
        .as("the first revision: nothing to compare with")
        .isEmpty();
  }

  @Test
  void anOomKillAtTheLimit() {
    String oom =
        stopped(
            "EssentialContainerExited",
            "Essential container in task exited",
            "like-service",
            137,
            "OutOfMemoryError: Container killed due to memory usage",
            "ERROR: java.lang.OutOfMemoryError: Java heap space");
    assertThat(oom).contains("\"exitCode\": 137");
    Cause cause = only(Diagnoser.causes(evidence(oom, Map.of())));
    assertThat(cause.title()).isEqualTo("OOM kill at the memory limit: container like-service");
    assertThat(cause.confidence()).isEqualTo(0.9);
    assertThat(cause.evidence())
        .extracting(Cause.Support::part)
        .containsExactly("stoppedTasks", "logs");
    assertThat(cause.nextStep()).contains("raise like-service's memory limit");

    // Killed at the stop timeout of a deployment: a 137 that is no OOM.
    String stoppedByTheScheduler =
        stopped(
            "ServiceSchedulerInitiated", "Task stopped by the deployment", "like-service", 137, "");
    assertThat(Diagnoser.causes(evidence(stoppedByTheScheduler, Map.of()))).isEmpty();
  }

  @Test
  void imagePullFailuresAreToldApartByWhatTheRegistrySaid() {
    assertThat(pull("CannotPullContainerError: failed to resolve ref x:1: not found"))
        .isEqualTo("the image does not exist");
    assertThat(pull("CannotPullContainerError: pull access denied for x, repository does"))
        .isEqualTo("the image cannot be pulled: access denied");
    assertThat(pull("CannotPullContainerError: toomanyrequests: You have reached your pull rate"))
        .isEqualTo("the registry's pull rate limit");
    assertThat(pull("CannotPullContainerError: dial tcp 52.1.2.3:443: i/o timeout"))
        .isEqualTo("the registry cannot be reached");
  }

  @Test
  void healthChecksPlacementSidecarsDependenciesAndThrottling() {
    assertThat(
            title(
                stopped(
                    "TaskFailedToStart",
                    "Task failed ELB health checks in (target-group x)",
                    "like-service",
                    null,
                    "")))
        .containsExactly("tasks fail the load balancer's health check");
    assertThat(
            title(
                QUIET.replace(
                    "has reached a steady state.",
                    "was unable to place a task because no container instance met all of its"
                        + " requirements. Reason: No Container Instances were found in your"
                        + " cluster. RESOURCE:ENI")))
        .containsExactly("no elastic network interface left for awsvpc tasks");
    assertThat(
            title(
                stopped(
                    "EssentialContainerExited",
                    "Essential container in task exited",
                    "log-router",
                    1,
                    "")))
        .containsExactly("an essential sidecar exited: log-router");
    assertThat(title(logs("ERROR: fatal: cannot connect to mysfits table, exiting")))
        .containsExactly(
            "a dependency fails the app: ERROR: fatal: cannot connect to mysfits"
                + " table, exiting");
    assertThat(
            title(
                logs(
                    "ERROR: software.amazon.awssdk.services.dynamodb.model."
                        + "ProvisionedThroughputExceededException: Rate exceeded")))
        .containsExactly("the app's AWS calls are throttled");
  }

  @Test
  void aTaskThatExitsAfterFailingToReachADependencyIsTheSurerCause() {
    String crashed =
        stopped(
                "EssentialContainerExited",
                "Essential container in task exited",
                "like-service",
                1,
                "",
                "ERROR: fatal: cannot connect to mysfits table, exiting")
            .replace("\"task\": \"aaa\"", "\"task\": \"bbb\"");
    Cause cause = only(Diagnoser.causes(evidence(crashed, Map.of())));
    assertThat(cause.title())
        .isEqualTo(
            "the app exits when a dependency fails it: ERROR: fatal: cannot connect to mysfits"
                + " table, exiting");
    assertThat(cause.confidence()).isEqualTo(0.95);
    assertThat(cause.evidence())
        .extracting(Cause.Support::text)
        .containsExactly(
            "like-service/bbb: ERROR: fatal: cannot connect to mysfits table, exiting");
  }

  private static String pull(String reason) {
    return only(Diagnoser.causes(
            evidence(stopped("TaskFailedToStart", reason, "like-service", null, ""), Map.of())))
        .title();
  }

  private static List<String> title(String snapshot) {
    return Diagnoser.causes(evidence(snapshot, Map.of())).stream().map(Cause::title).toList();
  }

  private static Cause only(List<Cause> causes) {
    assertThat(causes).hasSize(1);
    return causes.getFirst();
  }

  private static String logs(String... lines) {
    StringBuilder array = new StringBuilder();
    for (String line : lines) {
      array.append(array.isEmpty() ? "" : ", ").append('"').append(line).append('"');
    }
    return QUIET.replace(
        "\"DEBUG: handling /like (task aaa)\", \"INFO: 200 in 130 ms\"", array.toString());
  }

  /**
   * A snapshot with one stopped task: the app's container (like-service) and, when {@code
   * container} names another, that sidecar too; the named one exited with {@code exitCode} and
   * {@code reason}, and a log line of it when {@code log} is not empty.
   */
  private static String stopped(
      String stopCode,
      String stoppedReason,
      String container,
      Integer exitCode,
      String reason,
      String... log) {
    String exited =
        """
        {"name": "%s", "lastStatus": "STOPPED"%s%s}"""
            .formatted(
                container,
                exitCode == null ? "" : ", \"exitCode\": " + exitCode,
                reason.isEmpty() ? "" : ", \"reason\": \"" + reason + "\"");
    String containers =
        container.equals("like-service")
            ? exited
            : "{\"name\": \"like-service\", \"lastStatus\": \"STOPPED\", \"exitCode\": 143}, "
                + exited;
    String task =
        """
        {"taskArn": "arn:aws:ecs:us-east-1:1:task/mysfits/bbb", "taskDefinition": "td:1",
         "stopCode": "%s", "stoppedReason": "%s", "containers": [%s]}"""
            .formatted(stopCode, stoppedReason, containers);
    String snapshot =
        QUIET.replace(
            "\"stoppedTasks\": {\"status\": \"ok\", \"data\": []}",
            "\"stoppedTasks\": {\"status\": \"ok\", \"data\": [" + task + "]}");
    return log.length == 0
        ? snapshot
        : snapshot.replace("\"INFO: 200 in 130 ms\"", "\"" + log[0] + "\"");
  }

  /** A quiet snapshot whose service's last deploy, like-service:7, was registered at {@code at}. */
  private static String deployed(String at, String previous) {
    String prev = previous == null ? "" : "\"previous\": \"%s\",".formatted(previous);
    return QUIET
        .replace("{\"parts\": {", "{\"onset\": \"2026-11-20T10:00:00Z\", \"parts\": {")
        .replace(
            "\"logs\":",
            """
            "lastDeploy": {"status": "ok", "data": {"revision": "like-service:7",
              "registeredAt": "%s", %s
              "changes": ["~ container like-service: environment FEATURE_X: (unset) -> \\"on\\""]}},
            "logs":"""
                .formatted(at, prev));
  }

  private static Evidence evidence(String snapshot, Map<String, String> environment) {
    try {
      JsonNode json = JSON.readTree(snapshot);
      return new Evidence(json, Map.of("like-service", environment), Optional.of("like-service"));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
