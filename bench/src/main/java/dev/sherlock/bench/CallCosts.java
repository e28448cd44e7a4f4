package dev.sherlock.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ECS calls per service for each phase of a debug cycle on a fleet of {@code n} services, counted
 * by the sandbox's ledger while {@code sherlock run} works: start-up until ready, an idle window
 * (nothing changes; the resync runs once in it), opening a session on every service until every one
 * is applied and its rollout watched, a window with every session open, and ending them all until
 * every service is back on its base.
 */
final class CallCosts {
  private static final Pattern SANDBOX_AT = Pattern.compile("Sherlock sandbox on (http://\\S+):");
  private static final String TOKEN = "bench-token";
  private static final String POLICY = "fleet-debug-logs";

  /** What one fleet size cost, phase by phase; each map is ECS calls by operation. */
  record Figures(
      int services,
      Duration window,
      Duration toReady,
      Map<String, Long> startup,
      Map<String, Long> idle,
      Map<String, Long> apply,
      Duration applyTook,
      Map<String, Long> sessionsOpen,
      Map<String, Long> revert,
      Duration revertTook) {}

  private final Path root;
  private final Duration window;
  private final Duration settle;

  CallCosts(Path root, Duration window, Duration settle) {
    this.root = root;
    this.window = window;
    this.settle = settle;
  }

  Figures measure(int services) throws Exception {
    Path data = Files.createTempDirectory("sherlock-bench");
    try (Sherlock sandbox =
        Sherlock.start(
            root,
            Map.of(),
            "sandbox",
            "--seed",
            "fleet",
            "--services",
            Integer.toString(services),
            "--port",
            "0")) {
      Matcher at =
          SANDBOX_AT.matcher(
              sandbox.awaitLine(l -> SANDBOX_AT.matcher(l).find(), Duration.ofMinutes(10)));
      at.find();
      String endpoint = at.group(1);
      Ledger ledger = new Ledger(endpoint);
      Sherlock.run(
          root,
          Map.of(),
          "install",
          "--endpoint",
          endpoint,
          "--region",
          "us-east-1",
          "--policies",
          "bench/policies");

      ledger.reset();
      Instant started = Instant.now();
      try (Sherlock daemon =
          Sherlock.start(
              root,
              Map.of(
                  "SHERLOCK_API_TOKEN",
                  TOKEN,
                  // One resync in every idle window; limits meant for automatic triggers out of the
                  // way of a benchmark that opens a session on every service by hand.
                  "SHERLOCK_RESYNC_INTERVAL",
                  seconds(window),
                  "SHERLOCK_MAX_SESSIONS",
                  "1000000",
                  "SHERLOCK_MUTATIONS_PER_HOUR",
                  "10000000"),
              "run",
              "--endpoint",
              endpoint,
              "--region",
              "us-east-1",
              "--policies",
              "bench/policies",
              "--data-dir",
              data.toString(),
              "--port",
              "0",
              "--log-format",
              "json")) {
        String api =
            Http.JSON
                .readTree(daemon.awaitLine(l -> l.contains("\"api\":"), Duration.ofMinutes(5)))
                .path("api")
                .asText();
        Http sherlock = new Http(api, TOKEN);
        await(() -> sherlock.status("/health/readiness") == 200, Duration.ofMinutes(30));
        Duration toReady = Duration.between(started, Instant.now());
        Map<String, Long> startup = ledger.ecs();

        Map<String, Long> idle = callsDuring(ledger, window);

        ledger.reset();
        Instant applying = Instant.now();
        for (int i = 1; i <= services; i++) {
          sherlock.send(
              "POST",
              "/api/sessions",
              """
              {"policy": "%s", "cluster": "fleet", "service": "%s", "reason": "bench", "duration": "1h"}"""
                  .formatted(POLICY, "svc-%05d".formatted(i)));
        }
        await(() -> applied(sherlock) == services, Duration.ofMinutes(60));
        Duration applyTook = Duration.between(applying, Instant.now());
        Thread.sleep(settle); // the rollouts run; what watching them costs belongs to the apply
        Map<String, Long> apply = ledger.ecs();

        Map<String, Long> sessionsOpen = callsDuring(ledger, window);

        ledger.reset();
        Instant reverting = Instant.now();
        for (JsonNode session : sherlock.get("/api/sessions").path("sessions")) {
          if (session.path("state").asText().equals("ACTIVE")) {
            sherlock.send("DELETE", "/api/sessions/" + session.path("id").asText(), null);
          }
        }
        await(() -> reverted(sherlock) >= services, Duration.ofMinutes(60));
        Duration revertTook = Duration.between(reverting, Instant.now());
        Thread.sleep(settle);
        Map<String, Long> revert = ledger.ecs();
        daemon.stop();
        return new Figures(
            services,
            window,
            toReady,
            startup,
            idle,
            apply,
            applyTook,
            sessionsOpen,
            revert,
            revertTook);
      }
    }
  }

  /** The ECS calls made in the next {@code window}, whoever made them. */
  private static Map<String, Long> callsDuring(Ledger ledger, Duration window) throws Exception {
    ledger.reset();
    Thread.sleep(window); // a measurement window of wall time, not a wait for a state
    return ledger.ecs();
  }

  /** Sessions ECS runs the overlay of (the session records the revision it applied). */
  private static long applied(Http sherlock) throws IOException, InterruptedException {
    long applied = 0;
    for (JsonNode s : sherlock.get("/api/sessions").path("sessions")) {
      if (s.path("state").asText().equals("ACTIVE") && s.hasNonNull("revision")) {
        applied++;
      }
    }
    return applied;
  }

  private static long reverted(Http sherlock) throws IOException, InterruptedException {
    return sherlock.get("/api/findings?kind=ActionReverted&limit=500").path("findings").size();
  }

  private static String seconds(Duration d) {
    return d.toSeconds() + "s";
  }

  interface Condition {
    boolean holds() throws Exception;
  }

  static void await(Condition condition, Duration atMost) throws Exception {
    Instant deadline = Instant.now().plus(atMost);
    while (!condition.holds()) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("not within " + atMost);
      }
      Thread.sleep(200);
    }
  }
}
