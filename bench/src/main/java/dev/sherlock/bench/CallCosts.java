package dev.sherlock.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * ECS calls per service for each phase of a debug cycle on a fleet of {@code n} services, counted
 * by the sandbox's ledger while {@code sherlock run} works: start-up until ready, an idle window
 * (nothing changes; the resync runs once in it), opening a session on every service until every one
 * is applied and its rollout watched, a window with every session open, and ending them all until
 * every service is back on its base.
 */
final class CallCosts {
  static final String POLICY = "fleet-debug-logs";

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
    // One resync in every window (an interval a little shorter than the window, whatever its
    // phase); limits meant for automatic triggers out of the way of a benchmark that opens a
    // session on every service by hand.
    Map<String, String> env =
        Map.of(
            "SHERLOCK_RESYNC_INTERVAL",
            seconds(window.multipliedBy(9).dividedBy(10)),
            "SHERLOCK_MAX_SESSIONS",
            "1000000",
            "SHERLOCK_MUTATIONS_PER_HOUR",
            "10000000");
    try (Fleet fleet = Fleet.sandbox(root, services, env)) {
      Ledger ledger = fleet.ledger;
      ledger.reset();
      Duration toReady = fleet.startDaemon();
      Map<String, Long> startup = ledger.ecs();
      Http sherlock = fleet.api();

      Map<String, Long> idle = callsDuring(ledger, window);

      ledger.reset();
      Instant applying = Instant.now();
      fleet.openSessions(POLICY, services);
      Bench.await(() -> fleet.applied() == services, Duration.ofMinutes(60));
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
      Bench.await(() -> reverted(sherlock) >= services, Duration.ofMinutes(60));
      Duration revertTook = Duration.between(reverting, Instant.now());
      Thread.sleep(settle);
      Map<String, Long> revert = ledger.ecs();
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

  /** The ECS calls made in the next {@code window}, whoever made them. */
  private static Map<String, Long> callsDuring(Ledger ledger, Duration window) throws Exception {
    ledger.reset();
    Thread.sleep(window); // a measurement window of wall time, not a wait for a state
    return ledger.ecs();
  }

  private static long reverted(Http sherlock) throws IOException, InterruptedException {
    return sherlock.get("/api/findings?kind=ActionReverted&limit=500").path("findings").size();
  }

  private static String seconds(Duration d) {
    return d.toSeconds() + "s";
  }
}
