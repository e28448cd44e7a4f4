package dev.sherlock.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Start-up of a large fleet with the sandbox enforcing AWS's published budgets: time to ready with
 * an empty store (every revision described once, ever) and again after a restart on the same store,
 * each against the time the read budget allows for the calls it made; the daemon's heap (live,
 * after a full collection, with the heap capped at {@link #HEAP}) and resident memory once ready.
 */
final class StartUp {
  /** The heap the daemon gets: the ceiling for 10,000 services. */
  static final String HEAP = "512m";

  private static final Pattern USED = Pattern.compile("used (\\d+)K");
  private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

  /** AWS's published read buckets (burst, per second) and the ECS reads each one pays for. */
  private record ReadBudget(int burst, double perSecond, List<String> operations) {}

  private static final List<ReadBudget> READS =
      List.of(
          new ReadBudget(50, 20, List.of("ListClusters", "DescribeClusters")),
          new ReadBudget(100, 20, List.of("ListServices", "DescribeServices")),
          new ReadBudget(50, 20, List.of("DescribeTaskDefinition")));

  record Figures(
      int services,
      int tasksPerService,
      Duration firstReady,
      Map<String, Long> firstCalls,
      Duration restartReady,
      Map<String, Long> restartCalls,
      long heapUsedBytes,
      long rssBytes) {}

  private final Path root;

  StartUp(Path root) {
    this.root = root;
  }

  /** The fastest the read buckets allow these calls: each bucket's burst, then its refill. */
  static Duration readBudget(Map<String, Long> calls) {
    double slowest = 0;
    for (ReadBudget b : READS) {
      long n = b.operations().stream().mapToLong(op -> calls.getOrDefault(op, 0L)).sum();
      slowest = Math.max(slowest, Math.max(0, n - b.burst()) / b.perSecond());
    }
    return Duration.ofMillis((long) (slowest * 1000));
  }

  Figures measure(int services, int tasksPerService) throws Exception {
    Map<String, String> env =
        Map.of(
            "SHERLOCK_JAVA_OPTS",
            "-Xmx" + HEAP,
            // No resync inside the measurement but the start-up's own.
            "SHERLOCK_RESYNC_INTERVAL",
            "1h");
    try (Fleet fleet =
        Fleet.sandbox(
            root,
            services,
            env,
            "--budgets",
            "aws",
            "--tasks",
            Integer.toString(tasksPerService))) {
      fleet.ledger.reset();
      Duration first = fleet.startDaemon();
      Map<String, Long> firstCalls = fleet.ledger.ecs();
      long pid = fleet.daemon().handle().pid();
      long heap = liveHeap(pid);
      long rss = rss(pid);
      fleet.ledger.reset();
      Duration again = fleet.restart();
      Map<String, Long> againCalls = fleet.ledger.ecs();
      return new Figures(
          services, tasksPerService, first, firstCalls, again, againCalls, heap, rss);
    }
  }

  /** The live heap: a full collection first ({@code jcmd GC.run}), then what is used. */
  private static long liveHeap(long pid) throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    Matcher used = USED.matcher(jcmd(pid, "GC.heap_info"));
    return used.find() ? Long.parseLong(used.group(1)) * 1024 : -1;
  }

  private static long rss(long pid) throws IOException {
    Matcher rss = RSS.matcher(Files.readString(Path.of("/proc/" + pid + "/status")));
    return rss.find() ? Long.parseLong(rss.group(1)) * 1024 : -1;
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process process =
        new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
            .redirectErrorStream(true)
            .start();
    String out = new String(process.getInputStream().readAllBytes());
    process.waitFor();
    return out;
  }
}
