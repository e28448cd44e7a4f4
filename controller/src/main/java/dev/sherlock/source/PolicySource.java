package dev.sherlock.source;

import dev.sherlock.UserError;
import dev.sherlock.config.SherlockConfig;
import dev.sherlock.finding.FindingKind;
import dev.sherlock.finding.Findings;
import dev.sherlock.policy.DebugPolicy;
import dev.sherlock.policy.DebugSession;
import dev.sherlock.policy.load.Diagnostic;
import dev.sherlock.policy.load.LoadedDocument;
import dev.sherlock.policy.load.PolicyLoader;
import dev.sherlock.policy.load.PolicySet;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policies in force: loaded from the policy directory at start and again on every change (file
 * watching, for every folder under it). A file whose new version does not validate is rejected with
 * the same {@code file:line:column} messages as {@code sherlock validate}, recorded as a {@code
 * PolicyRejected} finding, and its last good version keeps running; the other files are unaffected.
 */
@Singleton
public final class PolicySource implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PolicySource.class);

  private final Path directory;
  private final Findings findings;
  private final PolicyLoader loader = new PolicyLoader();
  private final AtomicReference<PolicySet> current =
      new AtomicReference<>(new PolicySet(List.of(), List.of()));
  private final Set<String> reported = new HashSet<>();
  private volatile List<Diagnostic> problems = List.of();
  private volatile boolean loaded;
  private final List<Consumer<PolicySet>> listeners = new ArrayList<>();
  private WatchService watcher;
  private Thread thread;

  public PolicySource(SherlockConfig config, Findings findings) {
    this.directory = config.policies();
    this.findings = findings;
  }

  /** The policies and sessions in force now. */
  public PolicySet current() {
    return current.get();
  }

  public List<DebugPolicy> policies() {
    return current.get().policies();
  }

  /** Called after every load with the set in force. */
  public void listen(Consumer<PolicySet> listener) {
    listeners.add(listener);
  }

  /** Loads now, then watches the directory until closed. */
  public synchronized void start() {
    reload();
    try {
      watcher = FileSystems.getDefault().newWatchService();
      registerAll();
      thread = Thread.ofVirtual().name("sherlock-policy-watch").start(this::watch);
    } catch (IOException e) {
      findings.record(
          FindingKind.Error,
          Findings.Subject.NONE,
          "cannot watch %s for changes: %s".formatted(directory, e.getMessage()));
    }
  }

  /** Loads the directory, keeping the last good version of every file that no longer validates. */
  public synchronized PolicySet reload() {
    PolicySet loaded = loader.load(List.of(directory));
    Map<String, List<Diagnostic>> problemsByFile = new HashMap<>();
    loaded
        .problems()
        .forEach(p -> problemsByFile.computeIfAbsent(p.file(), f -> new ArrayList<>()).add(p));
    List<LoadedDocument> inForce = new ArrayList<>();
    for (LoadedDocument document : loaded.documents()) {
      if (!problemsByFile.containsKey(document.source().file())) {
        inForce.add(document);
      }
    }
    for (LoadedDocument previous : current.get().documents()) {
      String file = previous.source().file();
      if (problemsByFile.containsKey(file)) {
        inForce.add(previous); // the last good version of a file that broke
      }
    }
    Set<String> now = new HashSet<>();
    for (Diagnostic problem : loaded.problems()) {
      String line = problem.format();
      now.add(line);
      if (!reported.contains(line)) {
        boolean keptOld =
            current.get().documents().stream()
                .anyMatch(d -> d.source().file().equals(problem.file()));
        findings.record(
            FindingKind.PolicyRejected,
            Findings.Subject.NONE,
            line + (keptOld ? " (the last good version keeps running)" : ""),
            Findings.evidence()
                .put("file", problem.file())
                .put("line", problem.line())
                .put("column", problem.column())
                .put("message", problem.message()));
      }
    }
    reported.retainAll(now);
    reported.addAll(now);
    problems = loaded.problems();
    this.loaded = true;
    PolicySet set = new PolicySet(inForce, List.of());
    current.set(set);
    LOG.info(
        "policies in force: {} policies, {} sessions, {} problems",
        set.policies().size(),
        set.sessions().size(),
        loaded.problems().size());
    for (Consumer<PolicySet> listener : listeners) {
      try {
        listener.accept(set);
      } catch (RuntimeException e) {
        // One listener's failure must not stop the others, nor the watcher's next reload.
        findings.record(
            FindingKind.Error,
            Findings.Subject.NONE,
            "applying the policies in force failed: " + UserError.oneLine(e));
      }
    }
    return set;
  }

  /** The problems of the last load: files rejected (whose last good version runs, if any). */
  public List<Diagnostic> problems() {
    return problems;
  }

  /** Whether the policies have been loaded at least once. */
  public boolean loaded() {
    return loaded;
  }

  public List<DebugSession> sessions() {
    return current.get().sessions();
  }

  private void watch() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        WatchKey key = watcher.take();
        // Editors write files in several steps: let them finish, then load once.
        Thread.sleep(200); // a debounce, not a wait for state: later events are drained below
        WatchKey more = key;
        while (more != null) {
          more.pollEvents();
          more.reset();
          more = watcher.poll(50, TimeUnit.MILLISECONDS);
        }
        try {
          registerAll();
          reload();
        } catch (RuntimeException e) {
          findings.record(
              FindingKind.Error,
              Findings.Subject.NONE,
              "reloading %s failed; the policies in force keep running: %s"
                  .formatted(directory, UserError.oneLine(e)));
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      findings.record(
          FindingKind.Error,
          Findings.Subject.NONE,
          "stopped watching %s: %s".formatted(directory, e.getMessage()));
    }
  }

  private void registerAll() throws IOException {
    if (!Files.isDirectory(directory)) {
      return;
    }
    try (Stream<Path> dirs = Files.walk(directory)) {
      for (Path dir : dirs.filter(Files::isDirectory).toList()) {
        dir.register(
            watcher,
            StandardWatchEventKinds.ENTRY_CREATE,
            StandardWatchEventKinds.ENTRY_MODIFY,
            StandardWatchEventKinds.ENTRY_DELETE);
      }
    }
  }

  @Override
  public synchronized void close() {
    if (thread != null) {
      thread.interrupt();
    }
    if (watcher != null) {
      try {
        watcher.close();
      } catch (IOException e) {
        // closing a watcher cannot lose anything
      }
    }
  }
}
