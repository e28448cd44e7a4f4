package dev.sherlock.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fleet as the benchmarks need one: {@code ./sherlock sandbox --seed fleet --services N} (with
 * more sandbox options, such as {@code --budgets aws}), installed into, and {@code ./sherlock run}
 * against it, each a separate process as a user starts them. The daemon's data directory outlives a
 * {@link #restart}, as a task's volume would.
 */
final class Fleet implements AutoCloseable {
  static final String TOKEN = "bench-token";
  static final String POLICIES = "bench/policies";
  private static final Pattern SANDBOX_AT = Pattern.compile("Sherlock sandbox on (http://\\S+):");

  final int services;
  final String endpoint;
  final Ledger ledger;
  private final Path root;
  private final Sherlock sandbox;
  private final Path data;
  private final Map<String, String> env;
  private Sherlock daemon;
  private Http api;

  private Fleet(int services, Path root, Sherlock sandbox, String endpoint, Map<String, String> env)
      throws IOException {
    this.services = services;
    this.root = root;
    this.sandbox = sandbox;
    this.endpoint = endpoint;
    this.ledger = new Ledger(endpoint);
    this.data = Files.createTempDirectory("sherlock-bench");
    this.env = env;
  }

  /** Starts the sandbox with {@code services} and installs Sherlock into it; no daemon yet. */
  static Fleet sandbox(Path root, int services, Map<String, String> daemonEnv, String... extra)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "sandbox",
                "--seed",
                "fleet",
                "--services",
                Integer.toString(services),
                "--port",
                "0"));
    args.addAll(List.of(extra));
    Sherlock sandbox = Sherlock.start(root, Map.of(), args.toArray(String[]::new));
    try {
      Matcher at =
          SANDBOX_AT.matcher(
              sandbox.awaitLine(l -> SANDBOX_AT.matcher(l).find(), Duration.ofMinutes(30)));
      at.find();
      Fleet fleet = new Fleet(services, root, sandbox, at.group(1), daemonEnv);
      Sherlock.run(
          root,
          Map.of(),
          "install",
          "--endpoint",
          fleet.endpoint,
          "--region",
          "us-east-1",
          "--policies",
          POLICIES);
      return fleet;
    } catch (Exception | Error e) {
      sandbox.close();
      throw e;
    }
  }

  /**
   * Starts {@code sherlock run} and returns how long it took to be ready (from the process's start
   * to {@code /health/readiness} answering 200).
   */
  Duration startDaemon() throws Exception {
    Map<String, String> all = new HashMap<>(env);
    all.put("SHERLOCK_API_TOKEN", TOKEN);
    Instant started = Instant.now();
    daemon =
        Sherlock.start(
            root,
            all,
            "run",
            "--endpoint",
            endpoint,
            "--region",
            "us-east-1",
            "--policies",
            POLICIES,
            "--data-dir",
            data.toString(),
            "--port",
            "0",
            "--log-format",
            "json");
    String line = daemon.awaitLine(l -> l.contains("\"api\":"), Duration.ofMinutes(5));
    api = new Http(Http.JSON.readTree(line).path("api").asText(), TOKEN);
    Bench.await(() -> api.status("/health/readiness") == 200, Duration.ofMinutes(60));
    return Duration.between(started, Instant.now());
  }

  /** SIGTERM to the daemon, then a new one on the same data directory: its ready time. */
  Duration restart() throws Exception {
    daemon.stop();
    return startDaemon();
  }

  Http api() {
    return api;
  }

  Sherlock daemon() {
    return daemon;
  }

  /** Opens a session of {@code policy} on each of the fleet's first {@code n} services. */
  void openSessions(String policy, int n) throws Exception {
    for (int i = 1; i <= n; i++) {
      api.send(
          "POST",
          "/api/sessions",
          """
          {"policy": "%s", "cluster": "fleet", "service": "%s", "reason": "bench", "duration": "1h"}"""
              .formatted(policy, service(i)));
    }
  }

  /** Sessions ECS runs the overlay of (the session records the revision it applied). */
  long applied() throws IOException, InterruptedException {
    long applied = 0;
    for (var s : api.get("/api/sessions").path("sessions")) {
      if (s.path("state").asText().equals("ACTIVE") && s.hasNonNull("revision")) {
        applied++;
      }
    }
    return applied;
  }

  static String service(int i) {
    return "svc-%05d".formatted(i);
  }

  /** The daemon's JVM (the launcher execs it, so the process is the JVM itself). */
  Optional<ProcessHandle> jvm() {
    return Optional.of(daemon.handle());
  }

  @Override
  public void close() {
    if (daemon != null) {
      daemon.close();
    }
    sandbox.close();
  }
}
