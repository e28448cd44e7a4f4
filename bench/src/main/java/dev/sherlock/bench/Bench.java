package dev.sherlock.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bench/run}: the benchmarks, against the sandbox, through {@code ./sherlock} as users run
 * it; writes {@code bench/RESULTS.md}. Usage: {@code bench/run [--sizes 10,100] [--window 60]
 * [--settle 20] [--rollout 100,1000] [--startup 1000,10000] [--tasks 10] [--events 1000]
 * [--events-for 30] [--out FILE]} (window, settle and events-for in seconds; an empty list, as in
 * {@code --startup ""}, skips that benchmark).
 */
public final class Bench {
  private Bench() {}

  /** Everything one run measured, for the report. */
  record Results(
      List<CallCosts.Figures> costs,
      List<Rollout.Figures> rollouts,
      List<StartUp.Figures> startups,
      List<EventPath.Figures> events) {}

  public static void main(String[] args) throws Exception {
    List<Integer> sizes = List.of(10, 100);
    List<Integer> rollouts = List.of(100, 1000);
    List<Integer> startups = List.of(1000, 10000);
    List<Integer> eventRates = List.of(1000);
    int tasks = 10;
    Duration eventsFor = Duration.ofSeconds(30);
    Duration window = Duration.ofSeconds(60);
    Duration settle = Duration.ofSeconds(20);
    Path root = Path.of("").toAbsolutePath();
    Path out = root.resolve("bench/RESULTS.md");
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : "";
      switch (args[i]) {
        case "--sizes" -> sizes = parseSizes(value);
        case "--rollout" -> rollouts = parseSizes(value);
        case "--startup" -> startups = parseSizes(value);
        case "--tasks" -> tasks = Integer.parseInt(value);
        case "--events" -> eventRates = parseSizes(value);
        case "--events-for" -> eventsFor = Duration.ofSeconds(Long.parseLong(value));
        case "--window" -> window = Duration.ofSeconds(Long.parseLong(value));
        case "--settle" -> settle = Duration.ofSeconds(Long.parseLong(value));
        case "--out" -> out = root.resolve(value);
        default -> {
          System.err.println("bench: error: unknown argument " + args[i]);
          System.exit(2);
        }
      }
      i++;
    }
    if (sizes.stream().anyMatch(n -> n > 200)) {
      // It follows each session through the session list and the findings, which page at 200.
      System.err.println(
          "bench: error: --sizes above 200 are not supported; --rollout goes further");
      System.exit(2);
    }
    CallCosts costs = new CallCosts(root, window, settle);
    Results results =
        new Results(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (int size : sizes) {
      System.out.printf("bench: call costs at %d services...%n", size);
      CallCosts.Figures f = costs.measure(size);
      System.out.println(Report.summary(f));
      results.costs().add(f);
      write(out, args, results); // what is measured is kept, should a later size fail
    }
    for (int size : rollouts) {
      System.out.printf("bench: rollout of %d sessions under AWS's budgets...%n", size);
      Rollout.Figures f = new Rollout(root).measure(size);
      System.out.println(Report.summary(f));
      results.rollouts().add(f);
      write(out, args, results); // what is measured is kept, should a later size fail
    }
    for (int size : startups) {
      System.out.printf("bench: start-up of %d services, %d tasks each...%n", size, tasks);
      StartUp.Figures f = new StartUp(root).measure(size, tasks);
      System.out.println(Report.summary(f));
      results.startups().add(f);
      write(out, args, results); // what is measured is kept, should a later size fail
    }
    for (int rate : eventRates) {
      System.out.printf("bench: %d events/s for %s...%n", rate, eventsFor);
      EventPath.Figures f = new EventPath(root).measure(100, rate, eventsFor, 20);
      System.out.println(Report.summary(f));
      results.events().add(f);
      write(out, args, results); // what is measured is kept, should a later size fail
    }
    write(out, args, results);
    System.out.println("bench: wrote " + root.relativize(out));
  }

  private static void write(Path out, String[] args, Results results) throws IOException {
    Files.writeString(out, Report.markdown(String.join(" ", args), results));
  }

  interface Condition {
    boolean holds() throws Exception;
  }

  /** Polls until the condition holds; a benchmark that cannot get there fails, it does not hang. */
  static void await(Condition condition, Duration atMost) throws Exception {
    Instant deadline = Instant.now().plus(atMost);
    while (!condition.holds()) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("not within " + atMost);
      }
      Thread.sleep(200);
    }
  }

  private static List<Integer> parseSizes(String text) {
    List<Integer> sizes = new ArrayList<>();
    for (String part : text.split(",")) {
      if (!part.isBlank()) {
        sizes.add(Integer.parseInt(part.strip()));
      }
    }
    return sizes;
  }
}
