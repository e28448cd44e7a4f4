package dev.sherlock.blackbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sherlock.source.git.GitServer;
import dev.sherlock.source.git.GitSshServer;
import dev.sherlock.source.git.PgpTestKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sherlock run --policies git+http://...} as the README documents it, the jar in its own
 * process, the token and the hook's secret in files named by environment variables, and a git host
 * served by JGit in this test: a push is live at once through a signed hook and within one interval
 * without one, a wrong signature is refused, and an outage shows in readiness and {@code /metrics}
 * while the last good commit runs on.
 */
class GitSourceIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String TOKEN = "glpat-token-for-tests";
  private static final String SECRET = "hook-secret-for-tests";

  private static Launcher.Running sandbox;
  private static String endpoint;

  @TempDir Path dir;

  @BeforeAll
  static void startSandbox() {
    Launcher sherlock = new Launcher();
    sandbox = sherlock.start("sandbox", "--seed", "mysfits", "--port", "0");
    endpoint = Launcher.endpointOf(sandbox);
    Launcher.Exit install =
        sherlock.run("install", "--endpoint", endpoint, "--region", "us-east-1");
    assertThat(install.code()).as(install.errText()).isZero();
  }

  @AfterAll
  static void stopSandbox() {
    sandbox.close();
  }

  @Test
  void aPushIsLiveAtOnceThroughTheHookAndTheCommitIsRecorded() throws Exception {
    try (GitServer git = new GitServer(dir.resolve("git"), TOKEN)) {
      String first = git.commit("Pat Platform", "the repository's policies", examplePolicies());
      // Only the hook can bring a commit within this test. The token and the hook's secret come
      // as the deploy template passes them from Secrets Manager: plain environment variables.
      Launcher sherlock =
          new Launcher()
              .with("SHERLOCK_GIT_TOKEN", TOKEN)
              .with("SHERLOCK_GIT_WEBHOOK_SECRET", SECRET)
              .with("SHERLOCK_GIT_INTERVAL", "1h");
      // install builds the rule from the remote's policies, as run reads them.
      Launcher.Exit install =
          sherlock.run(
              "install",
              "--endpoint",
              endpoint,
              "--region",
              "us-east-1",
              "--policies",
              "git+" + git.url() + "?ref=main&path=policies");
      assertThat(install.code()).as(install.errText()).isZero();
      try (Launcher.Running daemon = sherlock.start(run(git))) {
        String api = awaitReady(daemon);
        JsonNode policies = getJson(api + "/api/policies");
        assertThat(policies.path("source").path("commit").path("id").asText()).isEqualTo(first);
        assertThat(policies.path("source").path("location").asText())
            .isEqualTo("git+" + git.url() + "?ref=main&path=policies");
        assertThat(policies.path("policies").findValuesAsText("commit")).containsOnly(first);

        String second =
            git.commit(
                "Sam Sre",
                "a policy for the monolith",
                Map.of("policies/extra.yaml", EXTRA_POLICY));
        byte[] push =
            ("{\"ref\":\"refs/heads/main\",\"after\":\"" + second + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(hook(api, push, "sha256=" + "0".repeat(64)).statusCode()).isEqualTo(401);
        assertThat(hook(api, push, null).statusCode()).isEqualTo(401);
        HttpResponse<String> accepted = hook(api, push, signature(push));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        awaitCommit(api, second, "commit " + second + " in force");
        assertThat(getJson(api + "/api/policies").path("policies").findValuesAsText("name"))
            .contains("monolith-oom-extra");

        Launcher.Exit synced = sherlock.run("findings", "--api", api, "--kind", "PolicySynced");
        assertThat(synced.code()).as(synced.errText()).isZero();
        assertThat(synced.outText())
            .contains("policies synced to commit " + second.substring(0, 7) + " by Sam Sre")
            .contains("changed: monolith-oom-extra")
            .contains("[policies@" + second.substring(0, 7) + "]");
        assertThat(String.join("\n", daemon.out()) + String.join("\n", daemon.err()))
            .doesNotContain(TOKEN)
            .doesNotContain(SECRET);
        assertThat(daemon.terminate(Duration.ofSeconds(60)).code()).isZero();
      }
    }
  }

  /**
   * Over SSH with a deploy key, the host's key checked against known_hosts: both from files, as a
   * secret mount gives them. The key never reaches the output.
   */
  @Test
  void overSshWithADeployKeyAPushIsLive() throws Exception {
    try (GitServer git = new GitServer(dir.resolve("git"), TOKEN);
        GitSshServer ssh = new GitSshServer(git)) {
      git.commit("Pat Platform", "the repository's policies", examplePolicies());
      Path key = Files.writeString(dir.resolve("deploy-key"), ssh.clientKey());
      Path knownHosts = Files.writeString(dir.resolve("known_hosts"), ssh.knownHosts() + "\n");
      Launcher sherlock =
          new Launcher()
              .with("SHERLOCK_GIT_SSH_KEY_FILE", key.toString())
              .with("SHERLOCK_GIT_KNOWN_HOSTS_FILE", knownHosts.toString())
              .with("SHERLOCK_GIT_INTERVAL", "2s");
      String[] run = run(git);
      run[6] = "git+" + ssh.url() + "?ref=main&path=policies";
      try (Launcher.Running daemon = sherlock.start(run)) {
        String api = awaitReady(daemon);
        assertThat(getJson(api + "/api/policies").path("source").path("location").asText())
            .isEqualTo("git+" + ssh.url() + "?ref=main&path=policies");
        String second =
            git.commit(
                "Sam Sre",
                "a policy for the monolith",
                Map.of("policies/extra.yaml", EXTRA_POLICY));
        awaitCommit(api, second, "commit " + second + " fetched over ssh");
        String keyLine = ssh.clientKey().lines().skip(1).findFirst().orElseThrow();
        assertThat(String.join("\n", daemon.out()) + String.join("\n", daemon.err()))
            .doesNotContain(keyLine);
        assertThat(daemon.terminate(Duration.ofSeconds(60)).code()).isZero();
      }
      // Without the host's key, nothing is fetched: one line says what to set.
      Launcher.Exit refused = sherlock.with("SHERLOCK_GIT_KNOWN_HOSTS_FILE", null).run(run);
      assertThat(refused.code()).isEqualTo(1);
      assertThat(refused.err())
          .singleElement()
          .asString()
          .startsWith("sherlock run: error: --policies git+ssh://git@127.0.0.1:")
          .contains("git over ssh checks the host's key: set SHERLOCK_GIT_KNOWN_HOSTS_FILE");
    }
  }

  @Test
  void withoutAHookAPushIsLiveWithinOneIntervalAndAnOutageShowsInReadiness() throws Exception {
    try (GitServer git = new GitServer(dir.resolve("git"), TOKEN)) {
      String first = git.commit("Pat Platform", "the repository's policies", examplePolicies());
      try (Launcher.Running daemon = launcher("2s").start(run(git))) {
        String api = awaitReady(daemon);
        String second =
            git.commit(
                "Sam Sre",
                "a policy for the monolith",
                Map.of("policies/extra.yaml", EXTRA_POLICY));
        awaitCommit(api, second, "commit " + second + " fetched on the interval");
        assertThat(first).isNotEqualTo(second);

        git.failing(true);
        await("the outage in readiness")
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    getJson(api + "/health/readiness")
                        .path("checks")
                        .path("policySource")
                        .path("status")
                        .asText()
                        .equals("STALE"));
        HttpResponse<String> readiness = get(api + "/health/readiness");
        assertThat(readiness.statusCode()).as("the last good commit runs on").isEqualTo(200);
        JsonNode source = JSON.readTree(readiness.body()).path("checks").path("policySource");
        assertThat(source.path("error").asText()).contains("503");
        assertThat(source.path("commit").path("id").asText()).isEqualTo(second);
        await("failures counted")
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    get(api + "/metrics")
                        .body()
                        .lines()
                        .anyMatch(l -> l.matches("sherlock_policy_sync_failures [1-9].*")));
        assertThat(get(api + "/metrics").body()).contains("sherlock_policy_sync_age_seconds");

        git.failing(false);
        await("readiness back UP")
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    getJson(api + "/health/readiness")
                        .path("checks")
                        .path("policySource")
                        .path("status")
                        .asText()
                        .equals("UP"));
        assertThat(daemon.terminate(Duration.ofSeconds(60)).code()).isZero();
      }
    }
  }

  /**
   * {@code sherlock.git.require-signed-commits}: with the team's public key configured, a signed
   * commit applies; an unsigned one, or one signed by a key nobody configured, is a {@code
   * PolicyRejected} finding that says so, and the signed commit before it keeps running. Without
   * keys, {@code run} refuses to start.
   */
  @Test
  void withSignaturesRequiredOnlyACommitATrustedKeySignedApplies() throws Exception {
    PgpTestKey pat = new PgpTestKey("Pat Platform <pat@example.com>");
    PgpTestKey stranger = new PgpTestKey("Someone Else <someone@example.net>");
    try (GitServer git = new GitServer(dir.resolve("git"), TOKEN)) {
      git.signWith(pat);
      String first = git.commit("Pat Platform", "the repository's policies", examplePolicies());
      Path keys = Files.writeString(dir.resolve("signing-keys.asc"), pat.armoredPublicKey());

      Launcher.Exit keyless =
          launcher("1h").with("SHERLOCK_GIT_REQUIRE_SIGNED_COMMITS", "true").run(run(git));
      assertThat(keyless.code()).isEqualTo(1);
      assertThat(keyless.err())
          .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .contains("sherlock.git.require-signed-commits needs the keys to trust");

      Launcher sherlock =
          launcher("1h")
              .with("SHERLOCK_GIT_REQUIRE_SIGNED_COMMITS", "true")
              .with("SHERLOCK_GIT_SIGNING_KEYS_FILE", keys.toString());
      try (Launcher.Running daemon = sherlock.start(run(git))) {
        String api = awaitReady(daemon);
        JsonNode source = getJson(api + "/api/policies").path("source");
        assertThat(source.path("commit").path("id").asText()).isEqualTo(first);
        assertThat(source.path("signingKeys").get(0).asText())
            .endsWith(" Pat Platform <pat@example.com>");

        git.signWith(null);
        String unsigned =
            git.commit("Sam Sre", "unsigned", Map.of("policies/extra.yaml", EXTRA_POLICY));
        awaitRejected(api, unsigned);
        git.signWith(stranger);
        String foreign =
            git.commit("Sam Sre", "signed by a stranger", Map.of("policies/extra.yaml", "x: 1"));
        awaitRejected(api, foreign);
        assertThat(getJson(api + "/api/policies").path("source").path("commit").path("id").asText())
            .as("the last trusted commit keeps running")
            .isEqualTo(first);

        Launcher.Exit rejected = sherlock.run("findings", "--api", api, "--kind", "PolicyRejected");
        assertThat(rejected.outText())
            .contains(
                "commit %s by Sam Sre".formatted(unsigned.substring(0, 7)),
                "not signed by a trusted key (sherlock.git.require-signed-commits): it is not"
                    + " signed")
            .contains(
                "commit %s by Sam Sre".formatted(foreign.substring(0, 7)),
                "it is signed by key %s, which is not one of sherlock.git.signing-keys"
                    .formatted(stranger.keyId()));

        git.signWith(pat);
        String signed =
            git.commit("Pat Platform", "signed", Map.of("policies/extra.yaml", EXTRA_POLICY));
        pushHook(api, signed);
        awaitCommit(api, signed, "the signed commit " + signed + " in force");
        assertThat(getJson(api + "/api/policies").path("policies").findValuesAsText("name"))
            .contains("monolith-oom-extra");
        assertThat(daemon.terminate(Duration.ofSeconds(60)).code()).isZero();
      }
    }
  }

  /**
   * {@code validate} and {@code plan} read a remote as {@code run --policies} does: the commit a
   * branch holds, its problems at the repository's paths, and - signatures required - its
   * signature, before any daemon follows it.
   */
  @Test
  void validateAndPlanReadTheRemoteAsRunDoes() throws Exception {
    try (GitServer git = new GitServer(dir.resolve("git"), TOKEN)) {
      String first = git.commit("Pat Platform", "the repository's policies", examplePolicies());
      String remote = "git+" + git.url() + "?ref=main&path=policies";
      Launcher sherlock = launcher("1h");

      Launcher.Exit valid = sherlock.run("validate", remote);
      assertThat(valid.code()).as(valid.errText()).isZero();
      assertThat(valid.outText()).startsWith("valid: ");
      assertThat(valid.errText())
          .isEqualTo(
              "sherlock validate: commit %s by Pat Platform <pat.platform@example.com>: the"
                      .formatted(first.substring(0, 7))
                  + " repository's policies");

      Launcher.Exit plan =
          sherlock.run(
              "plan",
              remote,
              "--state",
              Launcher.ROOT.resolve("policies/state/mysfits.json").toString());
      assertThat(plan.code()).as(plan.errText()).isZero();
      assertThat(plan.outText()).contains("like-service", "LOGLEVEL");

      git.commit(
          "Sam Sre",
          "a typo",
          Map.of("policies/extra.yaml", EXTRA_POLICY.replace("taskStopped", "taskStoped")));
      Launcher.Exit broken = sherlock.run("validate", remote);
      assertThat(broken.code()).isEqualTo(1);
      assertThat(broken.out())
          .anyMatch(l -> l.matches("policies/extra\\.yaml:\\d+:\\d+: error: .*taskStoped.*"));

      Launcher.Exit unsigned =
          sherlock
              .with("SHERLOCK_GIT_REQUIRE_SIGNED_COMMITS", "true")
              .with(
                  "SHERLOCK_GIT_SIGNING_KEYS",
                  new PgpTestKey("Pat Platform <pat@example.com>").armoredPublicKey())
              .run("validate", remote);
      assertThat(unsigned.code()).isEqualTo(1);
      assertThat(unsigned.out())
          .anyMatch(
              l ->
                  l.startsWith("commit ")
                      && l.endsWith(
                          ": error: not signed by a trusted key"
                              + " (sherlock.git.require-signed-commits): it is not signed"));

      Launcher.Exit mixed = sherlock.run("validate", remote, "policies/");
      assertThat(mixed.code()).isEqualTo(1);
      assertThat(mixed.err())
          .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .contains("a git remote is read alone");
    }
  }

  /** Pushes a hook for the commit and waits until {@code /api/policies} names it rejected. */
  private static void awaitRejected(String api, String commit) throws Exception {
    pushHook(api, commit);
    await("commit " + commit + " rejected")
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                getJson(api + "/api/policies")
                    .path("source")
                    .path("rejectedCommit")
                    .path("id")
                    .asText()
                    .equals(commit));
  }

  /** A push of the commit to main, as GitHub delivers and signs it. */
  private static void pushHook(String api, String commit) throws Exception {
    byte[] push =
        ("{\"ref\":\"refs/heads/main\",\"after\":\"" + commit + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    assertThat(hook(api, push, signature(push)).statusCode()).isEqualTo(202);
  }

  /** The token and the hook's secret in files, as a Kubernetes-style secret mount gives them. */
  private Launcher launcher(String interval) throws Exception {
    Path token = Files.writeString(dir.resolve("git-token"), TOKEN + "\n");
    Path secret = Files.writeString(dir.resolve("hook-secret"), SECRET + "\n");
    return new Launcher()
        .with("SHERLOCK_GIT_TOKEN_FILE", token.toString())
        .with("SHERLOCK_GIT_WEBHOOK_SECRET_FILE", secret.toString())
        .with("SHERLOCK_GIT_INTERVAL", interval);
  }

  private String[] run(GitServer git) {
    return new String[] {
      "run",
      "--endpoint",
      endpoint,
      "--region",
      "us-east-1",
      "--policies",
      "git+" + git.url() + "?ref=main&path=policies",
      "--data-dir",
      dir.resolve("data").toString(),
      "--port",
      "0",
      "--log-format",
      "json"
    };
  }

  /** The repository's own example policies, as a team's policy repository would hold them. */
  private static Map<String, String> examplePolicies() throws Exception {
    Map<String, String> files = new java.util.HashMap<>();
    try (var list = Files.list(Launcher.ROOT.resolve("policies"))) {
      for (Path file : list.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        files.put("policies/" + file.getFileName(), Files.readString(file));
      }
    }
    files.put("README.md", "policies for the mysfits cluster");
    return files;
  }

  private static final String EXTRA_POLICY =
      """
      apiVersion: sherlock.dev/v1alpha1
      kind: DebugPolicy
      metadata: {name: monolith-oom-extra}
      spec:
        target: {cluster: mysfits, services: [monolith]}
        triggers:
          - taskStopped: {exitCodes: [137]}
        actions:
          - captureSnapshot: {include: [stoppedTasks, serviceEvents]}
        session: {duration: 20m, cooldown: 1h}
      """;

  private static HttpResponse<String> hook(String api, byte[] body, String signature)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(api + "/api/hooks/git"))
            .header("Content-Type", "application/json")
            .header("X-GitHub-Event", "push")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (signature != null) {
      request.header("X-Hub-Signature-256", signature);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** As GitHub signs a delivery. */
  private static String signature(byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
  }

  /** Waits until {@code /api/policies} says the commit is in force. */
  private static void awaitCommit(String api, String commit, String why) {
    await(why)
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                getJson(api + "/api/policies")
                    .path("source")
                    .path("commit")
                    .path("id")
                    .asText()
                    .equals(commit));
  }

  private static String awaitReady(Launcher.Running daemon) throws Exception {
    String api =
        JSON.readTree(daemon.awaitLine(l -> l.contains("\"api\":"), Duration.ofMinutes(1)))
            .path("api")
            .asText();
    await("readiness UP at " + api)
        .atMost(Duration.ofMinutes(1))
        .until(() -> get(api + "/health/readiness").statusCode() == 200);
    return api;
  }

  private static JsonNode getJson(String url) throws Exception {
    return JSON.readTree(get(url).body());
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
