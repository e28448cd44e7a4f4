package dev.sherlock.bench;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** bench/RESULTS.md: the command, the machine, and each figure against the physical minimum. */
final class Report {
  private Report() {}

  /**
   * The fewest ECS calls a resync of {@code n} services can make: ListClusters, ListServices pages
   * of 100, DescribeServices batches of 10.
   */
  static double resyncMinimum(int n) {
    return 1 + Math.ceil(n / 100.0) + Math.ceil(n / 10.0);
  }

  /** Apply: a tenth of a DescribeServices, the base's DescribeTaskDefinition, Register, Update. */
  static final double APPLY_MINIMUM = 3.1;

  /** Revert: a tenth of a DescribeServices and UpdateService back to the base. */
  static final double REVERT_MINIMUM = 1.1;

  static String summary(CallCosts.Figures f) {
    return "  %d services: ready in %s; per service: apply %.2f, revert %.2f, idle %.2f per resync"
        .formatted(
            f.services(),
            seconds(f.toReady()),
            perService(f.apply(), f),
            perService(f.revert(), f),
            perService(f.idle(), f));
  }

  static String markdown(String arguments, List<CallCosts.Figures> figures) {
    StringBuilder md = new StringBuilder();
    md.append("# Benchmark results\n\n");
    md.append(
        "Produced by `bench/run%s` on %s: %d cores, %s, Java %s. ECS calls are counted by the sandbox's call ledger (every caller's, as AWS would count them); the daemon is `./sherlock run` against `./sherlock sandbox --seed fleet --services N`, with the resync interval set to the idle window and the global session and change limits lifted (`SHERLOCK_MAX_SESSIONS`, `SHERLOCK_MUTATIONS_PER_HOUR`) so that one session per service can open.\n\n"
            .formatted(
                arguments.isBlank() ? "" : " " + arguments,
                LocalDate.now(),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                System.getProperty("java.version")));
    md.append("## ECS calls per service, against the minimum\n\n");
    md.append(
        "| services | phase | ECS calls | per service | minimum per service | × minimum | by operation |\n");
    md.append("|---:|---|---:|---:|---:|---:|---|\n");
    for (CallCosts.Figures f : figures) {
      int n = f.services();
      double resync = resyncMinimum(n) / n;
      row(md, n, "start-up until ready (%s)".formatted(seconds(f.toReady())), f.startup(), resync);
      String interval = seconds(f.window());
      row(md, n, "idle for one resync interval (%s)".formatted(interval), f.idle(), resync);
      row(
          md,
          n,
          "apply, until every session applied (%s) + %s of rollout"
              .formatted(seconds(f.applyTook()), "settle"),
          f.apply(),
          APPLY_MINIMUM);
      row(
          md,
          n,
          "every session open, for one resync interval (%s)".formatted(interval),
          f.sessionsOpen(),
          resync);
      row(
          md,
          n,
          "revert, until every service reverted (%s) + settle".formatted(seconds(f.revertTook())),
          f.revert(),
          REVERT_MINIMUM);
      double cycle = (Ledger.total(f.apply()) + Ledger.total(f.revert())) / (double) n;
      md.append(
          "| %d | **apply + revert** | | **%.2f** | %.1f | %.2f | goal ≤ 4.2 (ecs-deploy: 12) |\n"
              .formatted(n, cycle, APPLY_MINIMUM + REVERT_MINIMUM, cycle / 4.2));
    }
    md.append(
        """

        Minimums: a resync is ListClusters, one ListServices page per 100 services and one
        DescribeServices per 10 (per service: that divided by the fleet); while nothing changes,
        nothing beyond the resync is needed, so the idle and sessions-open windows, one resync
        interval each, have one resync's minimum. An apply is a tenth of a DescribeServices, the base's
        DescribeTaskDefinition, RegisterTaskDefinition and UpdateService (3.1); a revert a tenth of a
        DescribeServices and UpdateService (1.1). Sherlock also deregisters each revision it
        registered once nothing runs it, and writes two tags of memory on the service
        (`sherlock:ended`, `sherlock:before`): +1 DeregisterTaskDefinition and +1 or +2
        TagResource/UntagResource per session, by design (nothing left behind; a lost store
        recovers), which the minimum leaves out.

        Not measured yet (issue #10): rollout time under `--budgets aws` against the budget's
        ceiling, throttling errors per successful call, start-up at 1,000 and 10,000 services,
        heap and RSS at 10,000 services, event throughput and latency.
        """);
    return md.toString();
  }

  private static void row(
      StringBuilder md, int n, String phase, Map<String, Long> calls, double minimum) {
    double perService = Ledger.total(calls) / (double) n;
    md.append(
        "| %d | %s | %d | %.2f | %.2f | %.1f | %s |\n"
            .formatted(
                n,
                phase,
                Ledger.total(calls),
                perService,
                minimum,
                minimum == 0 ? 0 : perService / minimum,
                calls.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .map(e -> e.getKey() + " " + e.getValue())
                    .collect(Collectors.joining(", "))));
  }

  private static double perService(Map<String, Long> calls, CallCosts.Figures f) {
    return Ledger.total(calls) / (double) f.services();
  }

  private static String seconds(Duration d) {
    return "%.1f s".formatted(d.toMillis() / 1000.0);
  }
}
