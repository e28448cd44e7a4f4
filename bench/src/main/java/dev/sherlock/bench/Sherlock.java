package dev.sherlock.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code ./sherlock} as a user runs it: a separate process from the repository root, through the
 * launcher. The benchmarks measure the product, not a test double of it.
 */
final class Sherlock implements AutoCloseable {
  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  private Sherlock(Process process) {
    this.process = process;
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                in.lines().forEach(lines::add);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
  }

  static Sherlock start(Path root, Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(root.resolve("sherlock").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile());
    builder.redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("SHERLOCK_"));
    builder.environment().put("AWS_ACCESS_KEY_ID", "bench");
    builder.environment().put("AWS_SECRET_ACCESS_KEY", "bench");
    builder.environment().put("AWS_EC2_METADATA_DISABLED", "true");
    builder.environment().putAll(env);
    return new Sherlock(builder.start());
  }

  /** Runs one command to its end and returns what it printed; fails on a non-zero exit. */
  static String run(Path root, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    try (Sherlock sherlock = start(root, env, args)) {
      if (!sherlock.process.waitFor(5, TimeUnit.MINUTES) || sherlock.process.exitValue() != 0) {
        throw new IllegalStateException(
            "sherlock %s failed: %s".formatted(String.join(" ", args), sherlock.output()));
      }
      return sherlock.output();
    }
  }

  /** The first line that matches, waiting for it at most {@code atMost}. */
  String awaitLine(Predicate<String> matches, Duration atMost) throws InterruptedException {
    Instant deadline = Instant.now().plus(atMost);
    while (Instant.now().isBefore(deadline)) {
      Optional<String> line = lines.stream().filter(matches).findFirst();
      if (line.isPresent()) {
        return line.get();
      }
      if (!process.isAlive()) {
        break;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("no such line within %s: %s".formatted(atMost, output()));
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  /** Lines printed so far that match. */
  long count(Predicate<String> matches) {
    return lines.stream().filter(matches).count();
  }

  String output() {
    return String.join("\n", lines);
  }

  /** SIGTERM, as a supervisor stops it, and the exit code. */
  int stop() throws InterruptedException {
    process.toHandle().destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    return process.waitFor();
  }

  @Override
  public void close() {
    process.toHandle().descendants().forEach(ProcessHandle::destroy);
    process.toHandle().destroy();
  }
}
