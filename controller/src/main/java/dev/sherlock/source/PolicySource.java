package dev.sherlock.source;

import dev.sherlock.UserError;
import dev.sherlock.config.SherlockConfig;
import dev.sherlock.finding.FindingKind;
import dev.sherlock.finding.Findings;
import dev.sherlock.metrics.SherlockMetrics;
import dev.sherlock.policy.DebugPolicy;
import dev.sherlock.policy.DebugSession;
import dev.sherlock.policy.PolicyDocument;
import dev.sherlock.policy.load.Diagnostic;
import dev.sherlock.policy.load.LoadedDocument;
import dev.sherlock.policy.load.PolicyLoader;
import dev.sherlock.policy.load.PolicySet;
import dev.sherlock.source.git.GitCommit;
import dev.sherlock.source.git.GitPolicyRepository;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policies in force, from one of two places.
 *
 * <p>A directory: loaded at start and again on every change (file watching, for every folder under
 * it). A file whose new version does not validate is rejected with the same {@code
 * file:line:column} messages as {@code sherlock validate}, recorded as a {@code PolicyRejected}
 * finding, and its last good version keeps running; the other files are unaffected.
 *
 * <p>A git remote: fetched at start, on an interval and when a push hook asks. A commit is applied
 * whole or not at all - a commit with any file that does not validate is a {@code PolicyRejected}
 * finding naming the commit, and the last good commit keeps running - so what runs is always one
 * commit's set, never a mix. A remote that cannot be reached keeps the last good commit too.
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

  private final Optional<SherlockConfig.Git> git;
  private final PolicyCommit commit;
  private final Clock clock;
  private final GitSync sync = new GitSync();

  public PolicySource(
      SherlockConfig config,
      Findings findings,
      PolicyCommit commit,
      Clock clock,
      SherlockMetrics metrics) {
    this.directory = config.policies();
    this.findings = findings;
    this.git = config.git();
    this.commit = commit;
    this.clock = clock;
    if (git.isPresent()) {
      metrics.gauge(
          "sherlock.policy.sync.age.seconds",
          "Seconds since the policy repository was last fetched",
          () ->
              sync.lastSuccess
                  .map(t -> Duration.between(t, clock.instant()).toSeconds())
                  .map(Number.class::cast)
                  .orElse(Double.NaN));
      metrics.gauge(
          "sherlock.policy.sync.failures",
          "Fetches of the policy repository that failed",
          () -> sync.failures);
    }
  }

  /**
   * How the git source stands: the commit in force, the last fetch that worked, why the last one
   * failed, the last commit rejected, and the keys a commit must be signed with (none: signatures
   * are not required).
   */
  public record GitStatus(
      SherlockConfig.Git source,
      Optional<GitCommit> commit,
      Optional<Instant> lastSync,
      Optional<String> error,
      Optional<GitCommit> rejected,
      long failures,
      List<String> signingKeys) {}

  /** The git source's state, or empty when the policies come from a directory. */
  public Optional<GitStatus> gitStatus() {
    return git.map(
        g ->
            new GitStatus(
                g,
                commit.current(),
                sync.lastSuccess,
                sync.lastError,
                sync.rejected,
                sync.failures,
                sync.repository == null ? List.of() : sync.repository.signingKeys()));
  }

  /** Asks for a fetch now (a push hook): several asks before it starts make one fetch. */
  public void syncNow() {
    sync.wake.offer(Boolean.TRUE);
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

  /**
   * Loads now, then watches the directory (or fetches the remote) until closed.
   *
   * @throws UserError when the policy repository cannot be fetched at start
   */
  public synchronized void start() {
    if (git.isPresent()) {
      startGit(git.get());
      return;
    }
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
    publish(set, loaded.problems().size());
    return set;
  }

  private void publish(PolicySet set, int problemCount) {
    current.set(set);
    LOG.info(
        "policies in force: {} policies, {} sessions, {} problems",
        set.policies().size(),
        set.sessions().size(),
        problemCount);
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
  }

  private void startGit(SherlockConfig.Git source) {
    sync.repository = new GitPolicyRepository(source);
    syncGit(sync.repository.fetchOrRefuse());
    thread = Thread.ofVirtual().name("sherlock-policy-sync").start(() -> syncLoop(source));
  }

  private void syncLoop(SherlockConfig.Git source) {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        // The interval, or a hook's ask - whichever comes first; asks made meanwhile are one.
        sync.wake.poll(source.interval().toMillis(), TimeUnit.MILLISECONDS);
        sync.wake.clear();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      try {
        syncGit(sync.repository.fetch());
      } catch (GitPolicyRepository.GitException e) {
        failed(source, e.getMessage());
      } catch (RuntimeException e) {
        failed(source, UserError.oneLine(e)); // the loop outlives any one failure
      }
    }
  }

  private void failed(SherlockConfig.Git source, String why) {
    sync.failures++;
    boolean firstOfOutage = sync.lastError.isEmpty();
    sync.lastError = Optional.of(why);
    if (firstOfOutage) {
      // One finding per outage, not one a minute; readiness and /metrics show how long it lasts.
      findings.record(
          FindingKind.Error,
          Findings.Subject.NONE,
          "cannot fetch the policies from %s: %s; %s keeps running"
              .formatted(source.location(), why, inForce()));
    }
    LOG.warn("cannot fetch the policies from {}: {}", source.location(), why);
  }

  /** A commit that may not apply: why, as a finding, while the commit in force keeps running. */
  private void reject(GitCommit rejected, String by, List<String> why) {
    sync.rejected = Optional.of(rejected);
    var lines = Findings.evidence().putArray("problems");
    why.forEach(lines::add);
    var evidence = rejected.json("commit");
    evidence.set("problems", lines);
    findings.record(
        FindingKind.PolicyRejected,
        Findings.Subject.NONE,
        "commit %s rejected, %s keeps running: %s".formatted(by, inForce(), String.join("; ", why)),
        evidence);
  }

  /**
   * Applies a fetched commit if a trusted key signed it (when signatures are required) and all of
   * it validates; else records why, and keeps the last.
   */
  synchronized void syncGit(GitPolicyRepository.Fetched fetched) {
    sync.lastSuccess = Optional.of(clock.instant());
    sync.lastError = Optional.empty();
    GitCommit fetchedCommit = fetched.commit();
    if (fetchedCommit.id().equals(sync.lastSeen)) {
      return;
    }
    sync.lastSeen = fetchedCommit.id();
    String by =
        "%s by %s: %s"
            .formatted(fetchedCommit.shortId(), fetchedCommit.author(), fetchedCommit.message());
    if (fetched.untrusted().isPresent()) {
      // Its files are not even read: a commit no trusted key signed is nobody's policy.
      reject(fetchedCommit, by, List.of(fetched.untrusted().get()));
      return;
    }
    PolicySet candidate = loader.load(fetched.files(), fetched.problems());
    if (!candidate.problems().isEmpty()) {
      problems = candidate.problems();
      reject(fetchedCommit, by, candidate.problems().stream().map(Diagnostic::format).toList());
      return;
    }
    List<String> changed = changedPolicies(current.get(), candidate);
    sync.rejected = Optional.empty();
    problems = List.of();
    // The set before its commit: whoever reads the commit in force finds its policies in force.
    current.set(candidate);
    commit.set(fetchedCommit);
    this.loaded = true;
    var evidence = fetchedCommit.json("commit");
    changed.forEach(evidence.putArray("changed")::add);
    evidence.put("policies", candidate.policies().size());
    findings.record(
        FindingKind.PolicySynced,
        Findings.Subject.NONE,
        "policies synced to commit %s (%s)"
            .formatted(
                by,
                changed.isEmpty() ? "no policy changed" : "changed: " + String.join(", ", changed)),
        evidence);
    publish(candidate, 0);
  }

  private String inForce() {
    return commit.current().map(c -> "commit " + c.shortId()).orElse("no policy");
  }

  /** The names of the documents a commit adds, removes or changes, in order. */
  private static List<String> changedPolicies(PolicySet before, PolicySet after) {
    Map<String, PolicyDocument> old = byName(before);
    Map<String, PolicyDocument> now = byName(after);
    Set<String> names = new TreeSet<>(old.keySet());
    names.addAll(now.keySet());
    return names.stream().filter(n -> !Objects.equals(old.get(n), now.get(n))).toList();
  }

  private static Map<String, PolicyDocument> byName(PolicySet set) {
    Map<String, PolicyDocument> byName = new HashMap<>();
    for (LoadedDocument d : set.documents()) {
      String name = d.model().metadata().name();
      byName.put(d.model() instanceof DebugSession ? "DebugSession/" + name : name, d.model());
    }
    return byName;
  }

  /** What the git loop knows between fetches. */
  private static final class GitSync {
    final LinkedBlockingQueue<Boolean> wake = new LinkedBlockingQueue<>(1);
    volatile GitPolicyRepository repository;
    volatile Optional<Instant> lastSuccess = Optional.empty();
    volatile Optional<String> lastError = Optional.empty();
    volatile Optional<GitCommit> rejected = Optional.empty();
    volatile String lastSeen = "";
    volatile long failures;
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
    if (sync.repository != null) {
      sync.repository.close();
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
