package dev.sherlock.blackbox;

import static org.awaitility.Awaitility.await;

import dev.sherlock.RepoFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs {@code ./sherlock} as the README tells a user to: a separate process from the repository
 * root, through the launcher script, with nothing but its command line and environment. The
 * environment starts clean of the machine's AWS settings (no region, profile or instance metadata),
 * so what a test sets is all the process knows.
 */
final class Launcher {
  static final Path ROOT = RepoFiles.root();

  private final Map<String, String> env = new HashMap<>();
  private Path directory = ROOT;

  Launcher() {
    env.put("AWS_ACCESS_KEY_ID", "test");
    env.put("AWS_SECRET_ACCESS_KEY", "test");
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("AWS_CONFIG_FILE", ROOT.resolve("target/no-aws-config").toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", ROOT.resolve("target/no-aws-credentials").toString());
  }

  /** The same launcher with one more variable (or one removed, with a null value). */
  Launcher with(String name, String value) {
    Launcher copy = copy();
    copy.env.put(name, value);
    return copy;
  }

  /** The same launcher, started from another working directory. */
  Launcher in(Path workingDirectory) {
    Launcher copy = copy();
    copy.directory = workingDirectory;
    return copy;
  }

  private Launcher copy() {
    Launcher copy = new Launcher();
    copy.env.clear();
    copy.env.putAll(env);
    copy.directory = directory;
    return copy;
  }

  private static final java.util.regex.Pattern SANDBOX_AT =
      java.util.regex.Pattern.compile("Sherlock sandbox on (http://\\S+):");

  /** The endpoint a starting {@code ./sherlock sandbox} prints, once it serves. */
  static String endpointOf(Running sandbox) {
    java.util.regex.Matcher at =
        SANDBOX_AT.matcher(
            sandbox.awaitLine(l -> SANDBOX_AT.matcher(l).find(), Duration.ofMinutes(1)));
    if (!at.find()) {
      throw new AssertionError("no endpoint in the sandbox's output");
    }
    return at.group(1);
  }

  /** One command to its end (at most two minutes), with what it printed. */
  Exit run(String... args) {
    try (Running running = start(args)) {
      return running.waitFor(Duration.ofMinutes(2));
    }
  }

  /** A long-running command (sandbox, run), read as it prints. */
  Running start(String... args) {
    List<String> command = new ArrayList<>();
    command.add(ROOT.resolve("sherlock").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
    Map<String, String> environment = builder.environment();
    for (String name :
        List.of("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "SHERLOCK_API_TOKEN")) {
      environment.remove(name);
    }
    env.forEach(
        (name, value) -> {
          if (value == null) {
            environment.remove(name);
          } else {
            environment.put(name, value);
          }
        });
    try {
      return new Running(String.join(" ", args), builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A finished command. */
  record Exit(int code, List<String> out, List<String> err) {
    String outText() {
      return String.join("\n", out);
    }

    String errText() {
      return String.join("\n", err);
    }
  }

  /** A command still running: its output so far, and how to stop it. */
  static final class Running implements AutoCloseable {
    private final String name;
    private final Process process;
    private final List<String> out = new CopyOnWriteArrayList<>();
    private final List<String> err = new CopyOnWriteArrayList<>();
    private final Thread outReader;
    private final Thread errReader;

    Running(String name, Process process) {
      this.name = name;
      this.process = process;
      this.outReader = Thread.ofVirtual().start(() -> drain(process.getInputStream(), out));
      this.errReader = Thread.ofVirtual().start(() -> drain(process.getErrorStream(), err));
    }

    List<String> out() {
      return out;
    }

    List<String> err() {
      return err;
    }

    boolean alive() {
      return process.isAlive();
    }

    /** SIGKILL: the process dies at once, in the middle of whatever it was doing. */
    void kill() {
      process.toHandle().destroyForcibly();
    }

    /** SIGSTOP, then SIGCONT: the process stands still, as a paused VM or a long GC would. */
    void pause() {
      signal("STOP");
    }

    void resume() {
      signal("CONT");
    }

    private void signal(String name) {
      try {
        int code =
            new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
        if (code != 0) {
          throw new AssertionError("kill -" + name + " " + process.pid() + " exited with " + code);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    /** Waits until a line of stdout matches, and returns it. */
    String awaitLine(Predicate<String> matches, Duration atMost) {
      await(name + " prints the line expected; it printed " + out + " " + err)
          .atMost(atMost)
          .until(() -> firstLine(matches).isPresent() || !process.isAlive());
      return firstLine(matches)
          .orElseThrow(
              () ->
                  new AssertionError(
                      name + " exited with " + process.exitValue() + ": " + out + " " + err));
    }

    Optional<String> firstLine(Predicate<String> matches) {
      return out.stream().filter(matches).findFirst();
    }

    /** SIGTERM, as a supervisor stops a daemon; then its exit. */
    Exit terminate(Duration atMost) {
      // Through the handle: Process.destroy() would also close our ends of its pipes, and the
      // last lines it prints while stopping would be lost.
      process.toHandle().destroy(); // SIGTERM on Unix
      return waitFor(atMost);
    }

    Exit waitFor(Duration atMost) {
      try {
        if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          throw new AssertionError(name + " did not finish within " + atMost + ": " + out + err);
        }
        outReader.join(Duration.ofSeconds(5));
        errReader.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      return new Exit(process.exitValue(), List.copyOf(out), List.copyOf(err));
    }

    @Override
    public void close() {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }

    private static void drain(InputStream stream, List<String> lines) {
      try (BufferedReader reader =
          new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the process ended
      }
    }
  }
}
