package dev.sherlock.blackbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The README's commands and flags through {@code ./sherlock}, each a separate process, checked for
 * what a user reads: the output, the exit code, and never a stack trace. The daemon's own commands
 * are in {@link DaemonIT}.
 */
class CommandLineIT {
  private static final Launcher SHERLOCK = new Launcher();

  @TempDir Path elsewhere;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "run",
        "validate",
        "plan",
        "demo",
        "sandbox",
        "test",
        "replay",
        "debug",
        "findings",
        "install",
        "uninstall",
        "health",
        "completion"
      })
  void everyCommandHasHelp(String command) {
    Launcher.Exit help = SHERLOCK.run(command, "--help");
    assertThat(help.code()).as(help.errText()).isZero();
    assertThat(help.outText()).startsWith("Usage: sherlock " + command);

    Launcher.Exit viaHelp = SHERLOCK.run("help", command);
    assertThat(viaHelp.code()).isZero();
    assertThat(viaHelp.outText()).isEqualTo(help.outText());
  }

  @Test
  void versionAndTopLevelHelp() {
    assertThat(SHERLOCK.run("--version").outText()).matches("sherlock \\d+\\.\\d+\\.\\d+.*");
    Launcher.Exit help = SHERLOCK.run("--help");
    assertThat(help.outText())
        .contains("validate", "plan", "run", "demo", "sandbox", "debug", "findings", "install")
        .contains("uninstall", "completion", "help");
  }

  @Test
  void completionScriptsLoadInBash() throws Exception {
    Launcher.Exit bash = SHERLOCK.run("completion", "bash");
    assertThat(bash.code()).isZero();
    assertThat(bash.outText()).contains("complete -F", "--token-file", "--log-format");
    assertThat(SHERLOCK.run("completion", "zsh").outText()).contains("bashcompinit");

    Process shell =
        new ProcessBuilder(
                "bash",
                "-c",
                "source <(\"$0\" completion bash) && complete -p sherlock",
                Launcher.ROOT.resolve("sherlock").toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(shell.getInputStream().readAllBytes());
    assertThat(shell.waitFor()).as(out).isZero();
    assertThat(out).contains("-F _complete_sherlock sherlock");
  }

  @Test
  void validateReportsInTextAndJson() {
    Launcher.Exit valid = SHERLOCK.run("validate", "policies/");
    assertThat(valid.code()).isZero();
    assertThat(valid.outText()).isEqualTo("valid: 6 policies, 1 session");

    Launcher.Exit broken =
        SHERLOCK.run(
            "validate", "controller/src/test/resources/broken-policies", "--output", "json");
    assertThat(broken.code()).isEqualTo(1);
    assertThat(broken.outText())
        .startsWith("{")
        .contains("\"line\"", "\"column\"")
        .contains("captureSnapshot.after 30m is not shorter than the session (30m)")
        .contains("captureStatusPage.maxBytes 2MiB is not a size from 1 to 1MiB");
    DaemonIT.assertNoStackTrace(broken);
  }

  @Test
  void planPrintsTheDiffInTextAndJson() {
    Launcher.Exit text =
        SHERLOCK.run("plan", "policies/", "--state", "policies/state/mysfits.json");
    assertThat(text.code()).as(text.errText()).isZero();
    assertThat(text.outText())
        .contains("~ container like-service: environment LOGLEVEL: \"ERROR\" -> \"DEBUG\"")
        .contains("traces (1m after the changes are live)")
        .contains("snapshot: tasks, metrics, taskStats, status page GET :80/server-status")
        .contains(
            "~ cluster mysfits containerInsights: as it is -> at least enhanced, back once no"
                + " session on the cluster needs it");

    Launcher.Exit json =
        SHERLOCK.run(
            "plan", "policies/", "--state", "policies/state/mysfits.json", "--output", "json");
    assertThat(json.code()).isZero();
    assertThat(json.outText())
        .startsWith("{")
        .contains("\"newRevisionOf\" : \"like-service:7\"")
        .contains("\"snapshotAfterSeconds\" : 60")
        .contains("environment LOGLEVEL: \\\"ERROR\\\" -> \\\"DEBUG\\\"");

    Launcher.Exit missing = SHERLOCK.run("plan", "policies/", "--state", "nope.json");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err())
        .containsExactly("nope.json: error: cannot read the state file: no such file");
  }

  @Test
  void apiClientsSayWhatIsWrongInOneLine() {
    expectOneLine(
        SHERLOCK.run("debug", "list", "--api", "notaurl"),
        "sherlock debug list: error: --api notaurl is not the URL of Sherlock's API");
    expectOneLine(
        SHERLOCK.run(
            "debug", "open", "--policy", "p", "--cluster", "c", "--service", "s", "--reason", "r"),
        "sherlock debug open: error: this needs the API token: pass --token T or export"
            + " SHERLOCK_API_TOKEN");
    expectOneLine(
        SHERLOCK.run("findings", "--api", "http://127.0.0.1:9"),
        "sherlock findings: error: cannot reach Sherlock's API at http://127.0.0.1:9");
    expectOneLine(
        SHERLOCK.run("plan", "policies/"),
        "sherlock plan: error: no AWS region: pass --region, set AWS_REGION");
    Launcher drainer = SHERLOCK.with("SHERLOCK_API_TOKEN", "t");
    expectOneLine(
        drainer.run("drain", "--api", "http://127.0.0.1:9"),
        "sherlock drain: error: cannot reach Sherlock's API at http://127.0.0.1:9");
    // A bad option value is a usage error (2), as picocli's own are.
    Launcher.Exit zero = drainer.run("drain", "--interval", "0s");
    assertThat(zero.code()).isEqualTo(2);
    assertThat(zero.errText()).isEqualTo("sherlock drain: error: --interval: must be more than 0s");
    Launcher.Exit soon = drainer.run("drain", "--timeout", "soon");
    assertThat(soon.code()).isEqualTo(2);
    assertThat(soon.errText()).startsWith("sherlock drain: error: --timeout: bad duration 'soon'");
  }

  @Test
  void theSandboxSeedsAFleetForBenchmarksUnderAwsBudgets() {
    Launcher.Exit fleet =
        SHERLOCK.run(
            "sandbox",
            "--seed",
            "fleet",
            "--services",
            "3",
            "--tasks",
            "2",
            "--budgets",
            "aws",
            "--port",
            "0",
            "--for",
            "1s");

    assertThat(fleet.code()).as(fleet.errText()).isZero();
    assertThat(fleet.outText())
        .contains(
            "World: cluster fleet with 3 services (svc-00001 ... svc-00003), 2 tasks each",
            "ECS enforces AWS's published request budgets",
            "/_sandbox/ledger");
    Launcher.Exit none = SHERLOCK.run("sandbox", "--seed", "fleet", "--services", "0");
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.errText())
        .isEqualTo("sherlock sandbox: error: --services must be between 1 and 100000");
    Launcher.Exit tooMany = SHERLOCK.run("sandbox", "--seed", "fleet", "--tasks", "101");
    assertThat(tooMany.code()).isEqualTo(2);
    assertThat(tooMany.errText())
        .isEqualTo("sherlock sandbox: error: --tasks must be between 0 and 100");
  }

  @Test
  void theSandboxStopsByItselfWithFor() {
    Launcher.Exit sandbox =
        SHERLOCK.run("sandbox", "--seed", "mysfits", "--port", "0", "--for", "2s");
    assertThat(sandbox.code()).as(sandbox.errText()).isZero();
    assertThat(sandbox.outText())
        .contains("Sherlock sandbox on http://127.0.0.1:", "export AWS_ENDPOINT_URL=")
        .contains("World: cluster mysfits with like-service");
  }

  /**
   * {@code sherlock demo} as a newcomer runs it, from another directory, only faster - recording
   * what its controller receives and reads; {@code sherlock replay} of that recording opens the
   * demo's sessions again.
   */
  @Test
  void theDemoStoryRunsToItsEndFromAnyDirectoryAndReplays() throws Exception {
    Launcher.Exit demo;
    try (Launcher.Running running =
        SHERLOCK
            .in(elsewhere)
            .with("SHERLOCK_API_TOKEN", "demo-token")
            .start(
                "demo",
                "--speed",
                "120",
                "--for",
                "3m",
                "--port",
                "0",
                "--keep",
                "--record",
                "demo.jsonl")) {
      String kept = running.awaitLine(l -> l.contains("--keep:"), Duration.ofMinutes(4));
      Matcher api = Pattern.compile("the API \\((http://[^)]+)\\)").matcher(kept);
      assertThat(api.find()).as(kept).isTrue();
      var snapshots = DaemonIT.get(api.group(1) + "/api/findings?kind=Snapshot");
      assertThat(snapshots.statusCode()).isEqualTo(200);
      assertThat(snapshots.body()).contains("taskStats");
      demo = running.terminate(Duration.ofSeconds(60));
    }

    assertThat(demo.code()).as(demo.outText() + demo.errText()).isZero();
    assertThat(demo.outText())
        .contains(
            "SessionOpened    session git-inc-4711 of like-latency-debug-logs opened on like-service")
        .contains("evidence in /ecs/mysfits/like-service at DEBUG: WARN: chaos mode injected")
        .contains("TriggerFired     crashloop-exec fired on like-service")
        .contains(
            "TriggerFired     like-cpu-metadata-proxy fired on like-service: AWS/ECS CPUUtilization Average above 80 for 5m")
        .contains("Snapshot         snapshot of like-service: tasks, metrics, taskStats")
        .containsPattern(
            "Snapshot         status pages of like-service: GET :80/server-status from (\\d) of \\1"
                + " tasks")
        .containsPattern(
            "Diagnosis +probable cause on like-service: fault injection is on: CHAOSMODE=on \\(\\d+%\\)")
        .containsPattern("logs: like-service/\\S+: WARN: chaos mode ")
        .containsPattern(
            "traces: 1-[0-9a-f]{8}-[0-9a-f]{24} [A-Z]+ http://like-service/\\S+ \\d+ in [\\d.]+ s:"
                + " chaos-delay [\\d.]+ s \\(\\d+%\\)")
        .containsPattern("task [0-9a-f]{8} container like-service: CPU 9\\d\\.\\d%")
        .contains("+ container xray-daemon (image public.ecr.aws/xray/aws-xray-daemon:3.3.7")
        .contains("ECS Exec on")
        .contains("ActionReverted   like-service back on like-service:1")
        .contains("- container xray-daemon")
        .containsPattern("\\d\\d:\\d\\d \\(ECS \\d\\d:\\d\\d\\)  ")
        .contains("Authorization: Bearer demo-token")
        .contains("Story complete after")
        .containsPattern("HTTP API on http://127\\.0\\.0\\.1:\\d+")
        .containsPattern("console on http://127\\.0\\.0\\.1:\\d+/ - open it in a browser")
        .doesNotContain("\u001b[");
    assertThat(demo.err()).isEmpty();

    Launcher.Exit replay;
    try (Launcher.Running running =
        SHERLOCK.in(elsewhere).start("replay", "--events", "demo.jsonl")) {
      replay = running.waitFor(Duration.ofMinutes(5));
    }
    assertThat(replay.code()).as(replay.outText() + replay.errText()).isZero();
    List<String> opened =
        sessions(demo.out(), "SessionOpened +session \\S+ of (\\S+) opened on (\\S+)");
    // The story's three sessions, in order; the 5xx policy may also fire on the crash loop's
    // errors, depending on where the demo's minutes fall. Either way replay must agree.
    assertThat(opened)
        .containsSubsequence(
            "like-latency-debug-logs on like-service",
            "like-cpu-metadata-proxy on like-service",
            "crashloop-exec on like-service");
    assertThat(sessions(replay.out(), "^  (\\S+) on (\\S+) at \\+"))
        .as(replay.outText())
        .containsExactlyElementsOf(opened);
    assertThat(replay.outText())
        .contains(opened.size() + " sessions would have opened:")
        .containsPattern("\\+[\\d:]+  ActionReverted    like-service back on like-service:1");
  }

  /**
   * {@code replay --state} of an incident exported from its account: the ECS events as EventBridge
   * delivered them, and CloudTrail's records of what people did. On the fleet the state file
   * describes (its region, its revision numbers), Alice's registration and deploy of {@code
   * like-service:8} are acted out at their times, Sherlock's own call and a read are passed over,
   * the crash loop opens {@code crashloop-exec} on her revision, and the revert puts hers back -
   * not the state's {@code like-service:7}. A state file that cannot be used is one line.
   */
  @Test
  void replayOfAnIncidentWithItsCloudTrailOnTheFleetsState() throws Exception {
    Path state = Launcher.ROOT.resolve("policies/state/mysfits.json");
    StringBuilder incident = new StringBuilder();
    String alice = "arn:aws:sts::123456789012:assumed-role/Ops/alice";
    ObjectNode registration = likeServiceOf(state);
    registration
        .withArray("/containerDefinitions/0/environment")
        .addObject()
        .put("name", "NEW_CHECKOUT")
        .put("value", "on");
    incident
        .append(
            cloudTrail(
                "09:57:00",
                "RegisterTaskDefinition",
                registration,
                "{\"taskDefinition\": {\"family\": \"like-service\", \"revision\": 8}}",
                "console.amazonaws.com",
                alice))
        .append(
            cloudTrail(
                "09:57:30",
                "UpdateService",
                JSON.readTree(
                    "{\"cluster\": \"mysfits\", \"service\": \"like-service\","
                        + " \"taskDefinition\": \"like-service:8\"}"),
                "null",
                "aws-cli/2.17.0",
                alice))
        .append(
            cloudTrail(
                "09:57:40",
                "DescribeServices",
                JSON.readTree("{\"cluster\": \"mysfits\", \"services\": [\"like-service\"]}"),
                "null",
                "aws-cli/2.17.0",
                alice))
        .append(
            cloudTrail(
                "10:05:00",
                "UpdateService",
                JSON.readTree(
                    "{\"cluster\": \"mysfits\", \"service\": \"like-service\","
                        + " \"taskDefinition\": \"like-service:10\"}"),
                "null",
                "aws-sdk-java/2.41.16 app/sherlock",
                "arn:aws:sts::123456789012:assumed-role/sherlock-TaskRole/t1"));
    String[] times = {"10:00:00", "10:01:30", "10:03:00"};
    for (int i = 0; i < times.length; i++) {
      incident.append(
          """
          {"version": "0", "id": "crash-%1$d", "detail-type": "ECS Task State Change", \
          "source": "aws.ecs", "account": "123456789012", "time": "2026-11-20T%2$sZ", \
          "region": "eu-west-1", "resources": ["arn:aws:ecs:eu-west-1:123456789012:task/mysfits/t%1$d"], \
          "detail": {"clusterArn": "arn:aws:ecs:eu-west-1:123456789012:cluster/mysfits", \
          "group": "service:like-service", "taskArn": "arn:aws:ecs:eu-west-1:123456789012:task/mysfits/t%1$d", \
          "taskDefinitionArn": "arn:aws:ecs:eu-west-1:123456789012:task-definition/like-service:8", \
          "lastStatus": "STOPPED", "desiredStatus": "STOPPED", "stopCode": "EssentialContainerExited", \
          "containers": [{"name": "like-service", "exitCode": 1}]}}
          """
              .formatted(i, times[i]));
    }
    Files.writeString(elsewhere.resolve("incident.jsonl"), incident);
    Path policies = Files.createDirectories(elsewhere.resolve("policies"));
    Files.copy(
        Launcher.ROOT.resolve("policies/crashloop-exec.yaml"),
        policies.resolve("crashloop-exec.yaml"));

    Launcher.Exit replay;
    try (Launcher.Running running =
        SHERLOCK
            .in(elsewhere)
            .start(
                "replay", "--events", "incident.jsonl", "--state", state.toString(), "policies")) {
      replay = running.waitFor(Duration.ofMinutes(5));
    }
    assertThat(replay.code()).as(replay.outText() + replay.errText()).isZero();
    assertThat(replay.out().getFirst())
        .contains("7 events", "on the world of " + state + " (2 services in mysfits)");
    assertThat(replay.out().get(1))
        .isEqualTo(
            "CloudTrail: 2 calls of people acted out; passed over: 1 Sherlock's own, 1 reads");
    assertThat(replay.outText())
        .contains(
            "CloudTrail        RegisterTaskDefinition like-service:8 by assumed-role/Ops/alice",
            "CloudTrail        UpdateService like-service -> like-service:8 by"
                + " assumed-role/Ops/alice")
        .containsPattern(
            "ActionApplied +like-service now runs like-service:9 \\(was like-service:8\\)")
        .containsPattern("ActionReverted +like-service back on like-service:8 ")
        .doesNotContain("not acted out")
        .doesNotContain("WARN");
    assertThat(sessions(replay.out(), "^  (\\S+) on (\\S+) at \\+"))
        .containsExactly("crashloop-exec on like-service");

    Launcher.Exit missing =
        SHERLOCK.in(elsewhere).run("replay", "--events", "incident.jsonl", "--state", "no.json");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.errText())
        .isEqualTo("no.json: error: cannot read the state file: no such file");
  }

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** like-service's registration in the state file, as a person's pipeline would send it. */
  private static ObjectNode likeServiceOf(Path state) throws Exception {
    ObjectNode definition =
        (ObjectNode) JSON.readTree(state.toFile()).at("/taskDefinitions/0/taskDefinition");
    for (String readOnly :
        List.of(
            "taskDefinitionArn",
            "revision",
            "status",
            "compatibilities",
            "requiresAttributes",
            "registeredAt",
            "registeredBy")) {
      definition.remove(readOnly);
    }
    assertThat(definition.path("family").asText()).isEqualTo("like-service");
    return definition;
  }

  /** One CloudTrail record of an ECS call, as a line. */
  private static String cloudTrail(
      String time, String name, JsonNode request, String response, String userAgent, String who)
      throws Exception {
    ObjectNode record = JSON.createObjectNode();
    record.put("eventVersion", "1.08");
    record.putObject("userIdentity").put("type", "AssumedRole").put("arn", who);
    record.put("eventTime", "2026-11-20T" + time + "Z");
    record.put("eventSource", "ecs.amazonaws.com");
    record.put("eventName", name);
    record.put("awsRegion", "eu-west-1");
    record.put("userAgent", userAgent);
    record.set("requestParameters", request);
    record.set("responseElements", JSON.readTree(response));
    record.put("eventID", "ct-" + time);
    record.put("readOnly", name.startsWith("Describe"));
    record.put("recipientAccountId", "123456789012");
    return record + "\n";
  }

  /** The (policy, service) of each session a command's output says opened, in order. */
  private static List<String> sessions(List<String> lines, String pattern) {
    Pattern p = Pattern.compile(pattern);
    return lines.stream()
        .map(p::matcher)
        .filter(Matcher::find)
        .map(m -> m.group(1) + " on " + m.group(2))
        .toList();
  }

  private static void expectOneLine(Launcher.Exit exit, String start) {
    assertThat(exit.code()).as(exit.errText()).isEqualTo(1);
    assertThat(exit.err()).hasSize(1);
    assertThat(exit.errText()).startsWith(start);
    DaemonIT.assertNoStackTrace(exit);
  }
}
