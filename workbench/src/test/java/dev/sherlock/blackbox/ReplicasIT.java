package dev.sherlock.blackbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * Three replicas on one DynamoDB store, as separate processes ({@code ./sherlock run --store
 * dynamodb} against {@code ./sherlock sandbox}): sessions are opened and ended through random
 * replicas' APIs while the acting replica is killed (SIGKILL) or paused past its lease (SIGSTOP)
 * during an apply, in the middle of a session, or during a revert. Every session must be deployed
 * once and reverted once - the sandbox's ledger counts RegisterTaskDefinition and UpdateService per
 * service, one session per service - and every service must end on its own revision. With shards,
 * two replicas split the fleet, and one's shards pass to the other when it dies.
 */
class ReplicasIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String TOKEN = "replicas-token";
  private static final int REPLICAS = 3;

  /**
   * Twenty faults and a 4 s lease with a 1 s heartbeat, so that CI fits them; bench/RESULTS.md also
   * has a run at production's 20 s / 5 s ({@code -Dreplicas.lease=20 -Dreplicas.heartbeat=5}).
   */
  private static final int CYCLES = Integer.getInteger("replicas.cycles", 20);

  private static final Duration LEASE = Duration.ofSeconds(Integer.getInteger("replicas.lease", 4));
  private static final Duration HEARTBEAT =
      Duration.ofSeconds(Integer.getInteger("replicas.heartbeat", 1));

  private final Launcher sherlock =
      new Launcher()
          .with("SHERLOCK_LEASE_DURATION", LEASE.toSeconds() + "s")
          .with("SHERLOCK_LEASE_HEARTBEAT", HEARTBEAT.toSeconds() + "s")
          .with("SHERLOCK_API_TOKEN", TOKEN);
  private final Random random = new Random(20261202);
  private final List<Replica> replicas = new ArrayList<>();
  private final List<Long> failovers = new ArrayList<>();
  @TempDir Path dir;
  private Launcher.Running sandbox;
  private String endpoint;
  private Path token;
  private EcsClient ecs;

  /** One replica's process, replaced by a fresh one when it is killed. */
  private final class Replica {
    final int number;
    final List<String> options;
    Launcher.Running process;
    String api;

    Replica(int number, List<String> options) {
      this.number = number;
      this.options = options;
    }

    void start() throws IOException {
      List<String> args =
          new ArrayList<>(
              List.of(
                  "--data-dir",
                  dir.resolve("replica-" + number).toString(),
                  "--port",
                  "0",
                  "--token-file",
                  token.toString(),
                  "--log-format",
                  "json"));
      args.addAll(options);
      process = sherlock.start(onTheSharedStore("run", args.toArray(String[]::new)));
      api =
          JSON.readTree(process.awaitLine(l -> l.contains("\"api\":"), Duration.ofMinutes(1)))
              .path("api")
              .asText();
    }

    Optional<JsonNode> health() {
      try {
        return Optional.of(JSON.readTree(get(api + "/health").body()));
      } catch (IOException | InterruptedException | RuntimeException e) {
        return Optional.empty();
      }
    }

    boolean actingAndReady() {
      return health()
          .filter(h -> h.path("replica").path("role").asText().equals("leader"))
          .filter(h -> h.path("status").asText().equals("UP"))
          .isPresent();
    }

    /** The shards this replica acts for, as its /health says. */
    List<Integer> shardsHeld() {
      List<Integer> held = new ArrayList<>();
      health()
          .ifPresent(h -> h.path("replica").path("shardsHeld").forEach(n -> held.add(n.asInt())));
      return held;
    }

    /** Reconciles this replica has done, from its /metrics. */
    long reconciles() throws Exception {
      Matcher count =
          Pattern.compile("(?m)^sherlock_reconcile_duration_seconds_count ([0-9.]+)")
              .matcher(get(api + "/metrics").body());
      return count.find() ? (long) Double.parseDouble(count.group(1)) : 0;
    }
  }

  @BeforeEach
  void start() throws Exception {
    sandbox =
        sherlock.start("sandbox", "--seed", "fleet", "--services", "" + CYCLES, "--port", "0");
    endpoint = Launcher.endpointOf(sandbox);
    Launcher.Exit install = sherlock.run(onTheSharedStore("install"));
    assertThat(install.code()).as(install.errText()).isZero();
    assertThat(install.outText()).contains("tables sherlock-sessions, sherlock-findings");
    token = Files.writeString(dir.resolve("token"), TOKEN);
    ecs =
        EcsClient.builder()
            .endpointOverride(URI.create(endpoint))
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("t", "t")))
            .build();
  }

  private void startReplicas(int count, String... options) throws IOException {
    for (int i = 0; i < count; i++) {
      Replica replica = new Replica(i, List.of(options));
      replica.start();
      replicas.add(replica);
    }
  }

  /** A command against the sandbox and the shared store, with the benchmarks' fleet policy. */
  private String[] onTheSharedStore(String command, String... more) {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            command,
            "--endpoint",
            endpoint,
            "--region",
            "us-east-1",
            "--store",
            "dynamodb",
            "--policies",
            "bench/policies"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @AfterEach
  void stop() {
    replicas.forEach(r -> r.process.close());
    if (ecs != null) {
      ecs.close();
    }
    sandbox.close();
  }

  @Test
  void everySessionIsAppliedOnceAndRevertedOnceWhateverHappensToTheActingReplica()
      throws Exception {
    startReplicas(REPLICAS);
    Replica leader = awaitLeader();
    List<String> services = new ArrayList<>();
    for (int cycle = 1; cycle <= CYCLES; cycle++) {
      String service = "svc-%05d".formatted(cycle);
      services.add(service);
      String phase = List.of("apply", "mid-session", "revert").get(random.nextInt(3));
      boolean pause = cycle % 4 == 0; // every fourth fault is a pause past the lease

      String session = open(randomLive(), service);
      if (phase.equals("apply")) {
        leader = fail(leader, pause, Duration.ofMillis(random.nextInt(1500)));
      }
      awaitApplied(service);
      if (phase.equals("mid-session")) {
        leader = fail(leader, pause, Duration.ZERO);
      }
      end(randomLive(), session);
      if (phase.equals("revert")) {
        leader = fail(leader, pause, Duration.ofMillis(random.nextInt(1500)));
      }
      awaitReverted(service);
    }

    Map<String, Map<String, Integer>> calls = changesByService();
    for (String service : services) {
      Map<String, Integer> changes = calls.getOrDefault(service, Map.of());
      // Applied once and reverted once, whatever the faults: one deployment of Sherlock's revision
      // and one back. A replica that dies before recording its registration leaves an intent its
      // successor adopts; one paused with its RegisterTaskDefinition already on the wire can
      // still register a second revision when it resumes (ECS cannot be fenced), which is never
      // deployed and is deregistered once the session is undone.
      assertThat(changes)
          .as("changes to %s (one session)", service)
          .containsEntry("UpdateService", 2);
      assertThat(changes.getOrDefault("RegisterTaskDefinition", 0))
          .as("registrations for %s", service)
          .isBetween(1, 2);
    }
    services.forEach(this::awaitNothingLeftBehind);
    assertThat(failovers).hasSize(CYCLES);
    String metrics = get(leader.api + "/metrics").body();
    assertThat(metrics)
        .contains(
            "sherlock_lease_held 1.0", "sherlock_lease_changes_total{change=\"acquired\"} 1.0");
    List<Long> sorted = failovers.stream().sorted().toList();
    long p50 = sorted.get(sorted.size() / 2);
    long p99 = sorted.getLast();
    Files.writeString(
        Launcher.ROOT.resolve("workbench/target/failover.txt"),
        "failovers %d (%d pauses), lease %s, heartbeat %s: p50 %d ms, p99 %d ms, double actions 0%n"
            .formatted(failovers.size(), CYCLES / 4, LEASE, HEARTBEAT, p50, p99));
    // Within the lease, a heartbeat, and a start-up whose resync reads 20 services.
    assertThat(p99).isLessThan(LEASE.plus(HEARTBEAT).plusSeconds(15).toMillis());
  }

  /**
   * Two replicas split four shards: each acts for its own (one reconciles what the other does not),
   * and when one is killed the other takes its shards and reverts the sessions it had applied -
   * each session still deployed once and reverted once.
   */
  @Test
  void shardsSplitTheFleetAndADeadReplicasShardsAreTakenOver() throws Exception {
    startReplicas(2, "--shards", "4");
    Replica first = replicas.get(0);
    Replica second = replicas.get(1);
    await("the shards split between the replicas")
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              List<Integer> a = first.shardsHeld();
              List<Integer> b = second.shardsHeld();
              List<Integer> all = new ArrayList<>(a);
              all.addAll(b);
              return a.size() == 2
                  && b.size() == 2
                  && all.containsAll(List.of(0, 1, 2, 3))
                  && first.actingAndReady()
                  && second.actingAndReady();
            });

    List<String> services = new ArrayList<>();
    Map<String, String> sessions = new HashMap<>();
    for (int i = 1; i <= 8; i++) {
      String service = "svc-%05d".formatted(i);
      services.add(service);
      sessions.put(service, open(replicas.get(i % 2), service));
    }
    services.forEach(this::awaitApplied);
    assertThat(first.reconciles()).as("reconciles of the first replica").isPositive();
    assertThat(second.reconciles()).as("reconciles of the second replica").isPositive();

    second.process.kill();
    for (String service : services) {
      end(first, sessions.get(service));
    }
    services.forEach(this::awaitReverted);
    assertThat(first.shardsHeld()).containsExactlyInAnyOrder(0, 1, 2, 3);
    JsonNode health = first.health().orElseThrow();
    assertThat(health.path("status").asText()).as(health.toString()).isEqualTo("UP");
    assertThat(get(first.api + "/metrics").body()).contains("sherlock_shards_held 4.0");

    Map<String, Map<String, Integer>> calls = changesByService();
    for (String service : services) {
      assertThat(calls.getOrDefault(service, Map.of()))
          .as("changes to %s (one session)", service)
          .containsEntry("UpdateService", 2)
          .containsEntry("RegisterTaskDefinition", 1);
    }
  }

  /**
   * Kills or pauses the acting replica after {@code after}, waits for another to act, and brings
   * the failed one back as a fresh standby.
   */
  private Replica fail(Replica leader, boolean pause, Duration after) throws Exception {
    if (!after.isZero()) {
      Thread.sleep(after); // a random moment inside the apply or revert: the fault's timing
    }
    long failedAt = System.nanoTime();
    if (pause) {
      leader.process.pause();
    } else {
      leader.process.kill();
    }
    Replica successor = awaitLeader(leader);
    failovers.add(Duration.ofNanos(System.nanoTime() - failedAt).toMillis());
    if (pause) {
      leader.process.resume();
      // Woken, it finds the lease gone and stops, to start again as a standby.
      Launcher.Exit exit = leader.process.waitFor(Duration.ofMinutes(1));
      assertThat(exit.code()).as("a paused leader exits once woken").isEqualTo(3);
      assertThat(exit.out()).anyMatch(l -> l.contains("lost the lease"));
    }
    leader.start();
    return successor;
  }

  private Replica awaitLeader(Replica... except) {
    List<Replica> others = new ArrayList<>(replicas);
    others.removeAll(List.of(except));
    Replica[] found = new Replica[1];
    await("a replica acting")
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              for (Replica r : others) {
                if (r.process.alive() && r.actingAndReady()) {
                  found[0] = r;
                  return true;
                }
              }
              return false;
            });
    return found[0];
  }

  private Replica randomLive() {
    List<Replica> live =
        replicas.stream().filter(r -> r.process.alive() && r.health().isPresent()).toList();
    assertThat(live).isNotEmpty();
    return live.get(random.nextInt(live.size()));
  }

  private String open(Replica replica, String service) throws Exception {
    String body =
        JSON.createObjectNode()
            .put("cluster", "fleet")
            .put("service", service)
            .put("policy", "fleet-debug-logs")
            .put("reason", "replicas test")
            .toString();
    HttpResponse<String> opened =
        HTTP.send(
            authorised(replica.api + "/api/sessions")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(opened.statusCode()).as(opened.body()).isEqualTo(201);
    return JSON.readTree(opened.body()).path("id").asText();
  }

  private void end(Replica replica, String session) throws Exception {
    HttpResponse<String> ended =
        HTTP.send(
            authorised(replica.api + "/api/sessions/" + session).DELETE().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(ended.statusCode()).as(ended.body()).isEqualTo(200);
  }

  private static HttpRequest.Builder authorised(String url) {
    return HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + TOKEN);
  }

  private String runningRevision(String service) {
    return ecs.describeServices(b -> b.cluster("fleet").services(service))
        .services()
        .getFirst()
        .taskDefinition();
  }

  private void awaitApplied(String service) {
    awaitRevision(service, false);
  }

  private void awaitReverted(String service) {
    awaitRevision(service, true);
  }

  /** Waits for the service to run its own revision or Sherlock's; else fails with the logs. */
  private void awaitRevision(String service, boolean own) {
    try {
      await(service + (own ? " back on its own revision" : " on Sherlock's revision"))
          .atMost(Duration.ofMinutes(1))
          .until(() -> runningRevision(service).endsWith("/" + service + ":1") == own);
    } catch (ConditionTimeoutException e) {
      StringBuilder logs = new StringBuilder(e.getMessage());
      for (Replica r : replicas) {
        logs.append("\n--- replica ").append(r.number).append(" at ").append(r.api).append('\n');
        r.process.out().stream()
            .filter(l -> l.contains(service) || l.contains("\"WARN\"") || l.contains("lease"))
            .forEach(l -> logs.append(l).append('\n'));
      }
      throw new AssertionError(logs.toString(), e);
    }
  }

  /** RegisterTaskDefinition and UpdateService that succeeded, by the service they were about. */
  /** No revision of Sherlock's stays ACTIVE in the service's family once its session is undone. */
  private void awaitNothingLeftBehind(String service) {
    String family =
        ecs.describeServices(b -> b.cluster("fleet").services(service))
            .services()
            .getFirst()
            .taskDefinition()
            .replaceAll(".*/", "")
            .replaceAll(":\\d+$", "");
    await(service + ": no revision of Sherlock's left ACTIVE")
        .atMost(Duration.ofMinutes(1))
        .until(
            () ->
                ecs
                    .listTaskDefinitions(
                        b ->
                            b.familyPrefix(family)
                                .status(
                                    software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus
                                        .ACTIVE))
                    .taskDefinitionArns()
                    .stream()
                    .noneMatch(
                        arn ->
                            ecs
                                .describeTaskDefinition(
                                    b ->
                                        b.taskDefinition(arn)
                                            .include(
                                                software.amazon.awssdk.services.ecs.model
                                                    .TaskDefinitionField.TAGS))
                                .tags()
                                .stream()
                                .anyMatch(t -> t.key().equals("sherlock:managed"))));
  }

  private Map<String, Map<String, Integer>> changesByService() throws Exception {
    JsonNode ledger = JSON.readTree(get(endpoint + "/_sandbox/ledger").body());
    Map<String, Map<String, Integer>> byService = new HashMap<>();
    for (JsonNode call : ledger.path("calls")) {
      String operation = call.path("operation").asText();
      if (call.path("outcome").asText().equals("ok")
          && (operation.equals("RegisterTaskDefinition") || operation.equals("UpdateService"))) {
        byService
            .computeIfAbsent(call.path("subject").asText(), s -> new HashMap<>())
            .merge(operation, 1, Integer::sum);
      }
    }
    return byService;
  }

  private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
