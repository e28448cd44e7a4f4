package dev.sherlock.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sherlock.finding.Finding;
import dev.sherlock.finding.FindingKind;
import dev.sherlock.finding.Findings;
import dev.sherlock.session.Session;
import dev.sherlock.source.PolicySource;
import dev.sherlock.source.git.GitServer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Policies from a git remote served by JGit over HTTP: a commit applies whole, a commit that does
 * not validate is rejected while the last good one keeps running, a force-push is followed, a
 * remote in an outage keeps the last good commit, and what the controller does names the commit.
 */
class GitPoliciesIT {
  private static final String TOKEN = "git-token-123";

  @TempDir Path root;
  private GitServer git;
  private ControllerWorld world;
  private String first;

  @BeforeEach
  void start() {
    git = new GitServer(root.resolve("git"), TOKEN);
    first =
        git.commit(
            "Pat Platform",
            "oom policy for like-service",
            Map.of(
                "policies/oom.yaml",
                ControllerWorld.oomPolicy("oom-debug", ControllerWorld.DEBUG_LOGS, ""),
                "README.md",
                "not a policy"));
    Map<String, Object> properties = new HashMap<>();
    properties.put("sherlock.policies", "git+" + git.url() + "?ref=main&path=policies");
    properties.put("sherlock.git.token", TOKEN);
    properties.put("sherlock.git.interval", "1h"); // every fetch below is asked for
    world = new ControllerWorld(root.resolve("world"), properties);
  }

  @AfterEach
  void stop() {
    world.close();
    git.close();
  }

  @Test
  void commitsApplyWholeTheBrokenOneIsRejectedAndSessionsNameTheirCommit() {
    world.start();
    PolicySource source = world.context.getBean(PolicySource.class);
    assertThat(source.policies()).extracting(p -> p.name()).containsExactly("oom-debug");
    assertThat(source.gitStatus().orElseThrow().commit().orElseThrow().id()).isEqualTo(first);
    assertThat(world.findings(FindingKind.PolicySynced))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.summary())
                  .contains(first.substring(0, 7), "Pat Platform", "changed: oom-debug");
              assertThat(f.evidence().path("commit").asText()).isEqualTo(first);
            });

    world.oomOnce("like-service");
    Session opened = world.sessions().getFirst();
    assertThat(opened.policyCommit()).contains(first);
    assertThat(world.findings(FindingKind.SessionOpened))
        .allSatisfy(f -> assertThat(policyCommit(f)).isEqualTo(first));

    // A second policy in one commit, a README change that is no policy's.
    String second =
        git.commit(
            "Sam Sre",
            "add the crash-loop policy",
            Map.of("policies/crash.yaml", ControllerWorld.CRASH_LOOP_POLICY, "README.md", "docs"));
    source.syncNow();
    world.awaitUntil(() -> commitInForce(source).equals(second));
    assertThat(source.policies()).extracting(p -> p.name()).hasSize(2).contains("oom-debug");
    assertThat(latest(FindingKind.PolicySynced).evidence().path("changed").toString())
        .doesNotContain("oom-debug");

    // A commit with one broken file is refused as a whole: its valid file does not apply either.
    String broken =
        git.commit(
            "Sam Sre",
            "tweak both",
            Map.of(
                "policies/oom.yaml",
                ControllerWorld.oomPolicy("oom-debug", ControllerWorld.DEBUG_LOGS, "")
                    .replace("30m", "45m"),
                "policies/crash.yaml",
                "apiVersion: sherlock.dev/v1alpha1\nkind: DebugPolicy\nmetadata: {name: crash\n"));
    source.syncNow();
    world.awaitUntil(() -> !world.findings(FindingKind.PolicyRejected).isEmpty());
    Finding rejected = latest(FindingKind.PolicyRejected);
    assertThat(rejected.summary())
        .contains("commit " + broken.substring(0, 7), "commit " + second.substring(0, 7) + " keeps")
        .containsPattern("policies/crash\\.yaml:\\d+:\\d+: error: ");
    assertThat(commitInForce(source)).isEqualTo(second);
    assertThat(source.gitStatus().orElseThrow().rejected().orElseThrow().id()).isEqualTo(broken);
    assertThat(source.current().policy("oom-debug").orElseThrow().spec().session().duration())
        .hasMinutes(30);

    // History rewritten: the broken commit dropped, a fix force-pushed in its place.
    git.resetBack(1);
    String fixed =
        git.commit(
            "Sam Sre",
            "drop the crash-loop policy",
            java.util.Collections.singletonMap("policies/crash.yaml", null));
    git.push(true);
    source.syncNow();
    world.awaitUntil(() -> commitInForce(source).equals(fixed));
    assertThat(source.policies()).extracting(p -> p.name()).containsExactly("oom-debug");
    assertThat(source.gitStatus().orElseThrow().rejected()).isEmpty();
    assertThat(source.problems()).isEmpty();
  }

  @Test
  void aRemoteInAnOutageKeepsTheLastGoodCommitAndSaysSoOnce() {
    world.start();
    PolicySource source = world.context.getBean(PolicySource.class);
    git.failing(true);
    source.syncNow();
    world.awaitUntil(() -> source.gitStatus().orElseThrow().error().isPresent());
    source.syncNow();
    world.awaitUntil(() -> source.gitStatus().orElseThrow().failures() >= 2);
    assertThat(source.gitStatus().orElseThrow().error().orElseThrow()).contains("503");
    assertThat(commitInForce(source)).isEqualTo(first);
    assertThat(source.policies()).hasSize(1);
    List<Finding> errors = world.findings(FindingKind.Error);
    assertThat(errors)
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.summary())
                    .contains("cannot fetch the policies", "commit " + first.substring(0, 7))
                    .doesNotContain(TOKEN));

    git.failing(false);
    String next =
        git.commit(
            "Pat Platform",
            "shorter sessions",
            Map.of(
                "policies/oom.yaml",
                ControllerWorld.oomPolicy("oom-debug", ControllerWorld.DEBUG_LOGS, "")
                    .replace("30m", "15m")));
    source.syncNow();
    world.awaitUntil(() -> commitInForce(source).equals(next));
    assertThat(source.gitStatus().orElseThrow().error()).isEmpty();
    assertThat(latest(FindingKind.PolicySynced).summary()).contains("changed: oom-debug");
  }

  private Finding latest(FindingKind kind) {
    return world.findings(kind).stream()
        .max(java.util.Comparator.comparing(Finding::time))
        .orElseThrow();
  }

  private static String policyCommit(Finding f) {
    return f.evidence().path(Findings.POLICY_COMMIT).asText();
  }

  private static String commitInForce(PolicySource source) {
    return source.gitStatus().orElseThrow().commit().map(c -> c.id()).orElse("");
  }
}
