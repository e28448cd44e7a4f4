package dev.sherlock.blackbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sherlock test} through the jar, as a platform team's CI runs it: the repository's own
 * policy tests pass, a broken expectation fails with a reason a person can act on (in the table,
 * JSON and JUnit XML), and a test file that names what does not exist is refused at its line.
 */
class PolicyTestIT {
  private static final Launcher SHERLOCK = new Launcher();
  private static final Path OOM_TEST = Launcher.ROOT.resolve("policies/tests/oom-snapshot.yaml");

  @Test
  void theExamplePoliciesPassTheirTests() throws IOException {
    Launcher.Exit exit;
    try (Launcher.Running running = SHERLOCK.start("test", "policies/tests")) {
      exit = running.waitFor(Duration.ofMinutes(8));
    }
    assertThat(exit.code()).as(exit.outText() + exit.errText()).isZero();
    assertThat(exit.out().getFirst()).startsWith("TEST").contains("POLICY", "RESULT", "REASON");
    // Every example policy is tested, and every row held.
    List<String> rows = exit.out().stream().filter(l -> l.contains(" Pass ")).toList();
    try (var policies = Files.list(Launcher.ROOT.resolve("policies"))) {
      for (Path policy : policies.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        String name = policy.getFileName().toString().replace(".yaml", "");
        assertThat(Launcher.ROOT.resolve("policies/tests/" + name + ".yaml")).exists();
      }
    }
    assertThat(exit.outText()).doesNotContain(" Fail ");
    assertThat(rows).anyMatch(r -> r.contains("crashloop-exec") && r.contains("sessionOpened"));
    assertThat(exit.outText()).contains("reverted at", "runs like-service:3");
  }

  @Test
  void aBrokenExpectationFailsWithItsReason(@TempDir Path dir) throws IOException {
    String broken =
        Files.readString(OOM_TEST)
            .replace("within: 3m", "within: 30s")
            .replace("contains: \"OutOfMemoryError\"", "contains: \"no such line\"");
    Path test = dir.resolve("tests/oom.yaml");
    Files.createDirectories(test.getParent());
    Files.writeString(test, broken);
    String policies = Launcher.ROOT.resolve("policies").toString();

    Launcher.Exit table = SHERLOCK.run("test", test.toString(), "--policies", policies);
    assertThat(table.code()).as(table.errText()).isEqualTo(1);
    assertThat(table.outText())
        .containsPattern("sessionOpened +Fail +opened at 1m\\d+s, later than within 30s")
        .containsPattern(
            "snapshot stoppedTasks +Fail +no snapshot's stoppedTasks .*\"no such line\"")
        .contains("3 of 5 expectations held in 1 test; 2 did not");

    Launcher.Exit json =
        SHERLOCK.run("test", test.toString(), "--policies", policies, "--output", "json");
    assertThat(json.code()).isEqualTo(1);
    JsonNode report = new ObjectMapper().readTree(json.outText());
    assertThat(report.path("passed").asBoolean(true)).isFalse();
    assertThat(report.path("results").get(0).path("result").asText()).isEqualTo("fail");
    assertThat(report.path("results").get(0).path("file").asText()).endsWith("oom.yaml");

    Launcher.Exit junit =
        SHERLOCK.run("test", test.toString(), "--policies", policies, "--output", "junit");
    assertThat(junit.code()).isEqualTo(1);
    assertThat(junit.outText())
        .startsWith("<?xml")
        .contains("<testsuites name=\"sherlock test\" tests=\"5\" failures=\"2\">")
        .contains("<failure message=\"opened at 1m");
  }

  /**
   * {@code exactly: true}: the change must be the diff's lines and no other, and a failure names
   * the lines it lacks and those it has besides - here on a fleet's own state file.
   */
  @Test
  void anExactDiffNamesWhatTheChangeLacksAndHasBesides(@TempDir Path dir) throws IOException {
    Path original = Launcher.ROOT.resolve("policies/tests/crashloop-on-fleet-state.yaml");
    String changed =
        Files.readString(original)
            .replace(
                "../state/mysfits.json",
                Launcher.ROOT.resolve("policies/state/mysfits.json").toString())
            .replace("\"ERROR\" -> \"DEBUG\"", "\"ERROR\" -> \"TRACE\"")
            .replace("          - ECS Exec on\n", "");
    Path test = dir.resolve("tests/exact.yaml");
    Files.createDirectories(test.getParent());
    Files.writeString(test, changed);

    Launcher.Exit exit =
        SHERLOCK.run(
            "test", test.toString(), "--policies", Launcher.ROOT.resolve("policies").toString());
    assertThat(exit.code()).as(exit.errText()).isEqualTo(1);
    assertThat(exit.outText())
        .contains(
            "but its change is not exactly the diff: lacks \"~ container like-service:"
                + " environment LOGLEVEL: \"ERROR\" -> \"TRACE\"\"; also \"~ container"
                + " like-service: environment LOGLEVEL: \"ERROR\" -> \"DEBUG\"\", \"ECS Exec on\"")
        .contains("3 of 4 expectations held in 1 test; 1 did not");
  }

  @Test
  void aTestNamingWhatDoesNotExistIsRefusedAtItsLine(@TempDir Path dir) throws IOException {
    Path typo = dir.resolve("tests/typo.yaml");
    Files.createDirectories(typo.getParent());
    Files.writeString(
        typo,
        """
        apiVersion: sherlock.dev/v1alpha1
        kind: PolicyTest
        metadata: {name: typo}
        spec:
          timeline:
            - at: 1m
              oomKil: {service: like-service}
          expect:
            - noSession: {policy: oom-snapshot, service: like-service}
        """);
    Path unknown = dir.resolve("tests/unknown.yaml");
    Files.writeString(
        unknown,
        """
        apiVersion: sherlock.dev/v1alpha1
        kind: PolicyTest
        metadata: {name: unknown}
        spec:
          policies: [oom-snapshot]
          expect:
            - noSession: {policy: oom-snapshots, service: like-service}
        """);
    Path endless = dir.resolve("tests/endless.yaml");
    Files.writeString(
        endless,
        """
        apiVersion: sherlock.dev/v1alpha1
        kind: PolicyTest
        metadata: {name: endless}
        spec:
          duration: 10m
          timeline:
            - at: 1m
              metric: {namespace: AWS/ECS, name: CPUUtilization, value: 99, every: 0s, for: 5m}
            - at: 20m
              recover: {service: like-servce}
          expect:
            - noSession: {policy: oom-snapshot, service: like-service}
        """);
    Path nowhere = dir.resolve("tests/nowhere.yaml");
    Files.writeString(
        nowhere,
        """
        apiVersion: sherlock.dev/v1alpha1
        kind: PolicyTest
        metadata: {name: nowhere}
        spec:
          world: {state: ../state/fleet.json}
          expect:
            - noSession: {policy: oom-snapshot, service: like-service}
        """);
    Path elsewhere = dir.resolve("tests/elsewhere.yaml");
    Files.writeString(
        elsewhere,
        """
        apiVersion: sherlock.dev/v1alpha1
        kind: PolicyTest
        metadata: {name: elsewhere}
        spec:
          world: {state: %s}
          timeline:
            - at: 1m
              oomKill: {service: mysfits/checkout}
          expect:
            - reverted: {service: other/like-service}
        """
            .formatted(Launcher.ROOT.resolve("policies/state/mysfits.json")));
    Launcher.Exit exit =
        SHERLOCK.run(
            "test",
            dir.resolve("tests").toString(),
            "--policies",
            Launcher.ROOT.resolve("policies").toString());
    assertThat(exit.code()).isEqualTo(2);
    assertThat(exit.err())
        .anyMatch(l -> l.startsWith(typo + ":7:7: error: ") && l.contains("oomKil"))
        .anyMatch(
            l ->
                l.startsWith(unknown + ":7:27: error: ")
                    && l.contains("no policy or session 'oom-snapshots'"))
        .anyMatch(
            l ->
                l.startsWith(endless + ":8:76: error: ")
                    && l.contains("metric.every: must be more than 0s"))
        .anyMatch(
            l ->
                l.startsWith(endless + ":9:11: error: ")
                    && l.contains("20m is after the scenario's end (duration 10m)"))
        .anyMatch(
            l ->
                l.startsWith(endless + ":10:26: error: ")
                    && l.contains("no service like-servce in the world (like-service, monolith)"))
        .anyMatch(
            l ->
                l.equals(
                    nowhere
                        + ":5:18: error: spec.world.state: "
                        + dir.resolve("state/fleet.json")
                        + ": cannot read the state file: no such file"))
        .anyMatch(
            l ->
                l.startsWith(elsewhere + ":8:26: error: ")
                    && l.contains(
                        "no service mysfits/checkout in the world (like-service, monolith)"))
        .anyMatch(
            l ->
                l.startsWith(elsewhere + ":10:27: error: ")
                    && l.contains("reverted.service: no service other/like-service"))
        .noneMatch(l -> l.contains("Exception"));
    assertThat(exit.out()).isEmpty();
  }
}
