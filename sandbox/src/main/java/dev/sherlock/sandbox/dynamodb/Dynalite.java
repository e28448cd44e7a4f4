package dev.sherlock.sandbox.dynamodb;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * dynalite (an open-source implementation of DynamoDB on LevelDB, here in memory) as a child
 * process of the sandbox, started on the first DynamoDB call: most sandboxes never get one, and
 * Node.js costs a second and some 60 MB. It lives in {@code sandbox/dynamodb/} (pinned by its
 * package-lock.json, installed by {@code sandbox/dynamodb/install}); it exits when the sandbox
 * does, however the sandbox ends, because it watches its standard input.
 */
final class Dynalite implements AutoCloseable {
  /** Overrides where {@code serve.js} and its node_modules are. */
  static final String HOME_PROPERTY = "sherlock.dynamodb.home";

  private final Optional<Path> home;
  private Process process;
  private URI endpoint;

  Dynalite(Optional<Path> home) {
    this.home = home;
  }

  /**
   * {@code sandbox/dynamodb} of the repository this code runs from (the sandbox's classes, or the
   * jar in workbench/target) or is run in, unless {@value #HOME_PROPERTY} names another.
   */
  static Optional<Path> locate() {
    String configured = System.getProperty(HOME_PROPERTY, System.getenv("SHERLOCK_DYNAMODB_HOME"));
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured));
    }
    Optional<Path> fromCode = Optional.empty();
    try {
      fromCode =
          Optional.of(
              Path.of(Dynalite.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
    } catch (URISyntaxException | SecurityException | NullPointerException e) {
      // no code source to start from
    }
    return fromCode.flatMap(Dynalite::above).or(() -> above(Path.of("").toAbsolutePath()));
  }

  private static Optional<Path> above(Path start) {
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("sandbox/dynamodb/serve.js"))) {
        return Optional.of(dir.resolve("sandbox/dynamodb"));
      }
    }
    return Optional.empty();
  }

  /** Where dynalite listens, starting it first if it is not running. */
  synchronized URI endpoint() {
    if (process != null && process.isAlive()) {
      return endpoint;
    }
    Path dir =
        home.orElseThrow(
            () ->
                new IllegalStateException(
                    "no sandbox/dynamodb found; set -D%s to its directory"
                        .formatted(HOME_PROPERTY)));
    if (!Files.isRegularFile(dir.resolve("node_modules/dynalite/package.json"))) {
      throw new IllegalStateException(
          "DynamoDB is not installed in the sandbox: run %s".formatted(dir.resolve("install")));
    }
    try {
      process =
          new ProcessBuilder("node", "serve.js")
              .directory(dir.toFile())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line = CompletableFuture.supplyAsync(() -> readLine(out)).get(20, TimeUnit.SECONDS);
      if (line == null || !line.startsWith("port ")) {
        process.destroyForcibly();
        throw new IllegalStateException("dynalite did not start: " + line);
      }
      endpoint = URI.create("http://127.0.0.1:" + line.substring("port ".length()).trim() + "/");
      return endpoint;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start dynalite (is Node.js installed?): " + e, e);
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      throw new IllegalStateException("dynalite did not start within 20 s: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting dynalite", e);
    }
  }

  private static String readLine(BufferedReader out) {
    try {
      return out.readLine();
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public synchronized void close() {
    if (process != null) {
      process.destroy();
    }
  }
}
