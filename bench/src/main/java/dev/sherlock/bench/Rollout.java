package dev.sherlock.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A rollout of one session per service with the sandbox enforcing AWS's published ECS budgets
 * ({@code sandbox --budgets aws}) and Sherlock's configuration at its defaults - the sessions
 * opened as one fleet request ({@code services: "svc-*"}) with the budget a person would set for
 * it: how long until every service runs its overlay, against the fastest those budgets allow; how
 * often AWS throttled; how many reconciles failed for it.
 */
final class Rollout {
  /** RegisterTaskDefinition's published bucket: the slowest step of an apply. */
  private static final int REGISTER_BURST = 20;

  private static final double REGISTER_PER_SECOND = 1;
  private static final int UPDATE_BURST = 50;
  private static final double UPDATE_PER_SECOND = 5;

  record Figures(
      int services,
      Duration took,
      Duration ceiling,
      Map<String, Long> outcomes,
      long failedReconciles) {
    long throttled() {
      return outcomes.entrySet().stream()
          .filter(e -> e.getKey().endsWith(" ThrottlingException"))
          .mapToLong(Map.Entry::getValue)
          .sum();
    }

    long succeeded() {
      return outcomes.entrySet().stream()
          .filter(e -> e.getKey().endsWith(" ok"))
          .mapToLong(Map.Entry::getValue)
          .sum();
    }
  }

  private final java.nio.file.Path root;

  Rollout(java.nio.file.Path root) {
    this.root = root;
  }

  /**
   * The fastest the published budgets allow {@code n} registrations and updates: each bucket's
   * burst at once, the rest at its refill rate; the slower bucket decides.
   */
  static Duration ceiling(int n) {
    double register = Math.max(0, n - REGISTER_BURST) / REGISTER_PER_SECOND;
    double update = Math.max(0, n - UPDATE_BURST) / UPDATE_PER_SECOND;
    return Duration.ofMillis((long) (Math.max(register, update) * 1000));
  }

  Figures measure(int services) throws Exception {
    try (Fleet fleet = Fleet.sandbox(root, services, Map.of(), "--budgets", "aws")) {
      fleet.startDaemon();
      fleet.ledger.reset();
      long failedBefore = failedReconciles(fleet);
      Instant started = Instant.now();
      String id =
          fleet
              .api()
              .send(
                  "POST",
                  "/api/sessions",
                  """
              {"policy": "%s", "cluster": "fleet", "services": "svc-*", "maxSessions": %d,
               "reason": "bench", "duration": "1h"}"""
                      .formatted(CallCosts.POLICY, services))
              .path("fleet")
              .asText();
      // The fleet's own progress: the session list holds only the newest 200.
      Bench.await(
          () -> fleet.api().get("/api/fleets/" + id).path("applied").asInt() == services,
          Duration.ofMinutes(120));
      Duration took = Duration.between(started, Instant.now());
      return new Figures(
          services,
          took,
          ceiling(services),
          fleet.ledger.ecsOutcomes(),
          failedReconciles(fleet) - failedBefore);
    }
  }

  private static long failedReconciles(Fleet fleet) {
    return fleet.daemon().count(l -> l.contains("reconcile of") && l.contains("failed"));
  }
}
