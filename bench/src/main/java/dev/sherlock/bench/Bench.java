package dev.sherlock.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bench/run}: the benchmarks, against the sandbox, through {@code ./sherlock} as users run
 * it; writes {@code bench/RESULTS.md}. Usage: {@code bench/run [--sizes 10,100] [--window 60]
 * [--settle 20] [--out FILE]} (window and settle in seconds).
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] args) throws Exception {
    List<Integer> sizes = List.of(10, 100);
    Duration window = Duration.ofSeconds(60);
    Duration settle = Duration.ofSeconds(20);
    Path root = Path.of("").toAbsolutePath();
    Path out = root.resolve("bench/RESULTS.md");
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : "";
      switch (args[i]) {
        case "--sizes" -> sizes = parseSizes(value);
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
    CallCosts costs = new CallCosts(root, window, settle);
    List<CallCosts.Figures> figures = new ArrayList<>();
    for (int size : sizes) {
      System.out.printf("bench: call costs at %d services...%n", size);
      CallCosts.Figures f = costs.measure(size);
      System.out.println(Report.summary(f));
      figures.add(f);
    }
    Files.writeString(out, Report.markdown(String.join(" ", args), figures));
    System.out.println("bench: wrote " + root.relativize(out));
  }

  private static List<Integer> parseSizes(String text) {
    List<Integer> sizes = new ArrayList<>();
    for (String part : text.split(",")) {
      sizes.add(Integer.parseInt(part.strip()));
    }
    return sizes;
  }
}
