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

  static String summary(Rollout.Figures f) {
    return "  %d sessions applied in %s (ceiling %s): %d throttled of %d successful ECS calls, %d reconciles failed"
        .formatted(
            f.services(),
            seconds(f.took()),
            seconds(f.ceiling()),
            f.throttled(),
            f.succeeded(),
            f.failedReconciles());
  }

  static String summary(StartUp.Figures f) {
    return "  %d services: ready in %s (read budget %s), again in %s; heap %d MB live, RSS %d MB"
        .formatted(
            f.services(),
            seconds(f.firstReady()),
            seconds(StartUp.readBudget(f.firstCalls())),
            seconds(f.restartReady()),
            f.heapUsedBytes() >> 20,
            f.rssBytes() >> 20);
  }

  static String summary(EventPath.Figures f) {
    return "  %d events at %d/s: drained at %.0f/s; event -> applied p50 %s, p99 %s (%d sessions)"
        .formatted(
            f.events(),
            f.rate(),
            f.throughput(),
            seconds(percentile(f.toApplied(), 50)),
            seconds(percentile(f.toApplied(), 99)),
            f.toApplied().size());
  }

  static Duration percentile(List<Duration> sorted, int p) {
    if (sorted.isEmpty()) {
      return Duration.ZERO;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  static String markdown(String arguments, Bench.Results results) {
    List<CallCosts.Figures> figures = results.costs();
    StringBuilder md = new StringBuilder();
    md.append("# Benchmark results\n\n");
    md.append(
        "Produced by `bench/run%s` on %s: %d cores, %s, Java %s. ECS calls are counted by the sandbox's call ledger (every caller's, as AWS would count them); the daemon is `./sherlock run` against `./sherlock sandbox --seed fleet --services N`, with the resync interval set to nine tenths of the idle window (one resync in each window) and the global session and change limits lifted (`SHERLOCK_MAX_SESSIONS`, `SHERLOCK_MUTATIONS_PER_HOUR`) so that one session per service can open.\n\n"
            .formatted(
                arguments.isBlank() ? "" : " " + arguments,
                LocalDate.now(),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                System.getProperty("java.version")));
    if (!figures.isEmpty()) {
      callCosts(md, figures);
    }
    rollouts(md, results.rollouts());
    startups(md, results.startups());
    events(md, results.events());
    return md.toString();
  }

  private static void callCosts(StringBuilder md, List<CallCosts.Figures> figures) {
    md.append("## ECS calls per service, against the minimum\n\n");
    md.append(
        "| services | phase | ECS calls | per service | minimum per service | × minimum | by operation |\n");
    md.append("|---:|---|---:|---:|---:|---:|---|\n");
    for (CallCosts.Figures f : figures) {
      int n = f.services();
      double resync = resyncMinimum(n) / n;
      row(md, n, "start-up until ready (%s)".formatted(seconds(f.toReady())), f.startup(), resync);
      String interval = seconds(f.window());
      row(
          md,
          n,
          "idle for %s (%s)".formatted(interval, resyncs(f.idle())),
          f.idle(),
          resync * Math.max(1, f.idle().getOrDefault("ListClusters", 0L)));
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
          "every session open, for %s (%s)".formatted(interval, resyncs(f.sessionsOpen())),
          f.sessionsOpen(),
          resync * Math.max(1, f.sessionsOpen().getOrDefault("ListClusters", 0L)));
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
        nothing beyond the resync is needed, so the idle and sessions-open windows have one
        resync's minimum for each resync that ran in them. An apply is a tenth of a DescribeServices, the base's
        DescribeTaskDefinition, RegisterTaskDefinition and UpdateService (3.1); a revert a tenth of a
        DescribeServices and UpdateService (1.1). Sherlock also deregisters each revision it
        registered once nothing runs it (+1 DeregisterTaskDefinition per session, by design:
        nothing left behind, as ecs-deploy does too), which the minimum leaves out; the base's
        DescribeTaskDefinition that the minimum counts was paid at start-up already (a revision is
        described once, ever). The sessions here are opened by hand; a trigger's or a
        DebugSession's also writes its end in a tag of the service (`sherlock:ended`, +1
        TagResource), so that a lost store does not reopen it.

        """);
  }

  private static void rollouts(StringBuilder md, List<Rollout.Figures> figures) {
    if (figures.isEmpty()) {
      return;
    }
    md.append(
        """

        ## A rollout under AWS's budgets

        `./sherlock sandbox --budgets aws` enforces ECS's published token buckets; the daemon runs
        with its default budgets. One session per service is opened through the API at once; the
        time is until every service's session has applied its revision. The ceiling is the fastest
        those buckets allow: RegisterTaskDefinition's 20 at once and then 1 a second (UpdateService's
        50 and 5 a second is never the slower).

        | services | applied in | ceiling | × ceiling | throttled / successful ECS calls | reconciles failed |
        |---:|---:|---:|---:|---:|---:|
        """);
    for (Rollout.Figures f : figures) {
      md.append(
          "| %d | %s | %s | %.2f | %d / %d = %.3f | %d |%n"
              .formatted(
                  f.services(),
                  seconds(f.took()),
                  seconds(f.ceiling()),
                  f.took().toMillis() / (double) Math.max(1, f.ceiling().toMillis()),
                  f.throttled(),
                  f.succeeded(),
                  f.throttled() / (double) Math.max(1, f.succeeded()),
                  f.failedReconciles()));
    }
  }

  private static void startups(StringBuilder md, List<StartUp.Figures> figures) {
    if (figures.isEmpty()) {
      return;
    }
    md.append(
        """

        ## Start-up of a large fleet

        The sandbox enforces AWS's budgets; the daemon's heap is capped at %s. First start: an
        empty store, so every service's revision is described once to know it is not Sherlock's
        (the store remembers). Restart: SIGTERM and `run` again on the same data directory. The read
        budget is the fastest AWS's read buckets allow the calls each start made (every bucket's
        burst at once, then its refill rate); ready is `/health/readiness` answering 200, from the
        process's start (a JVM's start-up, about 2 s here, included). Heap: live, after a full
        collection (`jcmd GC.run`), once ready; RSS from `/proc`.

        | services | tasks | first start: ready | read budget | × budget | ECS calls | restart: ready | read budget | ECS calls | live heap | RSS |
        |---:|---:|---:|---:|---:|---|---:|---:|---|---:|---:|
        """
            .formatted(StartUp.HEAP));
    for (StartUp.Figures f : figures) {
      Duration budget = StartUp.readBudget(f.firstCalls());
      md.append(
          "| %d | %d | %s | %s | %.2f | %s | %s | %s | %s | %d MB | %d MB |%n"
              .formatted(
                  f.services(),
                  f.services() * f.tasksPerService(),
                  seconds(f.firstReady()),
                  seconds(budget),
                  f.firstReady().toMillis() / (double) Math.max(1, budget.toMillis()),
                  byOperation(f.firstCalls()),
                  seconds(f.restartReady()),
                  seconds(StartUp.readBudget(f.restartCalls())),
                  byOperation(f.restartCalls()),
                  f.heapUsedBytes() >> 20,
                  f.rssBytes() >> 20));
    }
  }

  private static void events(StringBuilder md, List<EventPath.Figures> figures) {
    if (figures.isEmpty()) {
      return;
    }
    md.append(
        """

        ## The event path

        ECS task events sent to Sherlock's queue as EventBridge delivers them, by SQS
        SendMessageBatch at the rate below, on a fleet of 100 services. All but a few are task
        state changes that fire nothing; 20, spread over the window, are OOM kills of 20 services
        that each open a session. Drained: every event received and handled, from the first send.
        Event → applied: from an OOM kill's send to its session's `ActionApplied` finding, recorded
        once RegisterTaskDefinition and UpdateService have returned (20 samples: p99 is the slowest).

        | events | rate sent | sending took | drained in | drained at | event → applied p50 | p99 |
        |---:|---:|---:|---:|---:|---:|---:|
        """);
    for (EventPath.Figures f : figures) {
      md.append(
          "| %d | %d/s | %s | %s | %.0f/s | %s | %s |%n"
              .formatted(
                  f.events(),
                  f.rate(),
                  seconds(f.sending()),
                  seconds(f.drained()),
                  f.throughput(),
                  seconds(percentile(f.toApplied(), 50)),
                  seconds(percentile(f.toApplied(), 99))));
    }
  }

  /**
   * How many resyncs a window held: each lists the clusters once. The window is a little longer
   * than the interval, so one or two; the minimum is one resync's for each.
   */
  private static String resyncs(Map<String, Long> calls) {
    long n = calls.getOrDefault("ListClusters", 0L);
    return n == 1 ? "1 resync" : n + " resyncs";
  }

  private static String byOperation(Map<String, Long> calls) {
    return calls.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .map(e -> e.getKey() + " " + e.getValue())
        .collect(Collectors.joining(", "));
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
                byOperation(calls)));
  }

  private static double perService(Map<String, Long> calls, CallCosts.Figures f) {
    return Ledger.total(calls) / (double) f.services();
  }

  private static String seconds(Duration d) {
    return "%.1f s".formatted(d.toMillis() / 1000.0);
  }
}
