package dev.sherlock.controller;

import dev.sherlock.UserError;
import dev.sherlock.aws.EcsGateway;
import dev.sherlock.aws.Parallel;
import dev.sherlock.config.SherlockConfig;
import dev.sherlock.finding.FindingKind;
import dev.sherlock.finding.FindingPublisher;
import dev.sherlock.finding.Findings;
import dev.sherlock.ha.Leadership;
import dev.sherlock.health.Dependencies;
import dev.sherlock.metrics.SherlockMetrics;
import dev.sherlock.policy.DebugPolicy;
import dev.sherlock.policy.DebugSession;
import dev.sherlock.policy.load.PolicySet;
import dev.sherlock.queue.ReadOrder;
import dev.sherlock.queue.WorkQueue;
import dev.sherlock.reconcile.Result;
import dev.sherlock.reconcile.ServiceArns;
import dev.sherlock.reconcile.ServiceReconciler;
import dev.sherlock.session.Session;
import dev.sherlock.session.Sessions;
import dev.sherlock.snapshot.SnapshotTaker;
import dev.sherlock.source.EcsEvent;
import dev.sherlock.source.PolicySource;
import dev.sherlock.source.Selection;
import dev.sherlock.source.ServiceCache;
import dev.sherlock.source.SqsEventSource;
import dev.sherlock.store.FindingStore;
import dev.sherlock.trigger.MetricSource;
import dev.sherlock.trigger.TriggerEngine;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * The manager: policies, events and the periodic resync feed the work queue; workers on virtual
 * threads reconcile one service at a time each. Events only make reconciliation prompt; the resync
 * makes it correct when events are lost.
 */
@Singleton
public final class Controller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Controller.class);
  private static final Duration DRAIN = Duration.ofSeconds(20);

  /** How far ahead a read takes along services due later (a watched rollout's next look). */
  private static final Duration ALONG_WITH = Duration.ofSeconds(10);

  /** How long task events of a service in session are gathered before its reconcile. */
  private static final Duration EVENT_WINDOW = Duration.ofSeconds(1);

  /** How often the acting replica looks for sessions changed through another replica's API. */
  private static final Duration STORE_WATCH = Duration.ofSeconds(2);

  /** How soon a first resync that failed (ECS unreachable, denied) is tried again. */
  private static final Duration STARTUP_RETRY = Duration.ofSeconds(5);

  private final SherlockConfig config;
  private final PolicySource policies;
  private final SqsEventSource events;
  private final TriggerEngine triggers;
  private final Sessions sessions;
  private final ServiceReconciler reconciler;
  private final ServiceCache services;
  private final EcsGateway ecs;
  private final Findings findings;
  private final Clock clock;
  private final WorkQueue<String> queue;
  private final Recovery recovery;
  private final MetricSource metricSource;
  private final SnapshotTaker snapshots;
  private final FindingPublisher publisher;
  private final FindingStore findingStore;
  private final SherlockMetrics metrics;
  private final Dependencies dependencies;
  private final ReadOrder order;
  private final Leadership leadership;
  private final List<Runnable> onLeaseLost = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final ReentrantLock[] eventStripes = new ReentrantLock[64];
  private final AtomicLong reconciles = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private volatile boolean running;
  private boolean startedUp;
  private final AtomicBoolean recoverNext = new AtomicBoolean();
  private final AtomicBoolean eventsStarted = new AtomicBoolean();
  private volatile Instant nextResync = Instant.MIN;
  private volatile Optional<Instant> lastResync = Optional.empty();
  private volatile Optional<String> lastResyncError = Optional.empty();
  private volatile Progress progress = new Progress(false, 0, 0);

  public Controller(
      SherlockConfig config,
      PolicySource policies,
      SqsEventSource events,
      TriggerEngine triggers,
      Sessions sessions,
      ServiceReconciler reconciler,
      ServiceCache services,
      EcsGateway ecs,
      Findings findings,
      Clock clock,
      Recovery recovery,
      MetricSource metricSource,
      SnapshotTaker snapshots,
      FindingPublisher publisher,
      FindingStore findingStore,
      SherlockMetrics metrics,
      Dependencies dependencies,
      ReadOrder order,
      Leadership leadership) {
    this.config = config;
    this.policies = policies;
    this.events = events;
    this.triggers = triggers;
    this.sessions = sessions;
    this.reconciler = reconciler;
    this.services = services;
    this.ecs = ecs;
    this.findings = findings;
    this.clock = clock;
    this.recovery = recovery;
    this.metricSource = metricSource;
    this.snapshots = snapshots;
    this.publisher = publisher;
    this.findingStore = findingStore;
    this.metrics = metrics;
    this.dependencies = dependencies;
    Arrays.setAll(eventStripes, i -> new ReentrantLock());
    this.queue =
        new WorkQueue<>(
            clock,
            Duration.ofSeconds(1),
            Duration.ofMinutes(5),
            10,
            100,
            Duration.ofMillis(50),
            order);
    this.order = order;
    this.leadership = leadership;
  }

  /**
   * Starts, and returns at once: the API answers (live, not ready) while the first resync reads the
   * fleet and recovers from ECS what the store lacks. Only then do reconciles, git sessions and
   * events start - a reconcile before recovery would revert a session the store lost and ECS still
   * remembers - and the controller is ready.
   *
   * <p>With a shared store all that waits until this replica holds the lease; meanwhile it stands
   * by, its policies loaded, serving the API from the store.
   */
  public synchronized void start() {
    running = true;
    metrics.gauge("sherlock.queue.depth", "Services waiting to be reconciled", queue::depth);
    metrics.gauge(
        "sherlock.sessions.active", "Debug sessions open", () -> sessions.active().size());
    publisher.start();
    sessions.onChange(queue::add);
    policies.start();
    leadership.start(this::acquired, () -> onLeaseLost.forEach(Runnable::run));
    LOG.info(
        "controller starting: {} policies, {} workers, resync every {}, replica {} ({})",
        policies.policies().size(),
        config.workers(),
        config.resyncInterval(),
        leadership.replica(),
        leadership.role().name().toLowerCase(java.util.Locale.ROOT));
  }

  /**
   * A shard this replica now acts for: the first starts it up; each later one - a shard another
   * replica gave back or left behind - is read by a resync at once, and shard 0 brings the events.
   */
  private synchronized void acquired(int shard) {
    if (!running) {
      return;
    }
    if (!startedUp) {
      startedUp = true;
      threads.add(Thread.ofVirtual().name("sherlock-startup").start(this::startUp));
      return;
    }
    // Read as at start-up, with recovery: the store may lack what the shard's last holder did.
    recoverNext.set(true);
    resyncNow();
    if (progress.ready() && leadership.receivesEvents()) {
      // Not on the lease's thread: the store's memory of events is read first.
      threads.add(Thread.ofVirtual().name("sherlock-events").start(this::startEventsIfTheirs));
    }
  }

  /**
   * Starts receiving the queue's events if this replica is the one that does ({@link
   * Leadership#receivesEvents}), once: first taking back what the store remembers of the events
   * handled before.
   */
  private void startEventsIfTheirs() {
    if (!running || !leadership.receivesEvents() || !eventsStarted.compareAndSet(false, true)) {
      return;
    }
    int remembered = triggers.resume();
    LOG.info("receiving events: {} handled events remembered", remembered);
    events.start(this::onEvent);
  }

  private void startUp() {
    long began = System.nanoTime();
    // Taken before the first resync reads the sessions: a change made elsewhere after this is the
    // store watch's to see, one made before it the resync's.
    Map<String, Session> seen = leadership.role() == Leadership.Role.SOLE ? Map.of() : activeById();
    AtomicBoolean resynced = new AtomicBoolean();
    every(
        () -> {
          if (clock.instant().isBefore(nextResync)) {
            return;
          }
          nextResync = clock.instant().plus(STARTUP_RETRY);
          resyncOnce(true);
          resynced.set(lastResyncError.isEmpty());
        },
        () -> !resynced.get());
    if (!running) {
      return;
    }
    nextResync = clock.instant().plus(config.resyncInterval());
    // The fleets opened meanwhile through other replicas: their sessions' changes count against
    // their own budgets.
    sessions.refreshFleets();
    policies.listen(this::syncGitSessions);
    syncGitSessions(policies.current());
    synchronized (this) {
      if (!running) {
        return;
      }
      for (int i = 0; i < config.workers(); i++) {
        threads.add(Thread.ofVirtual().name("sherlock-worker-" + i).start(this::work));
      }
      threads.add(Thread.ofVirtual().name("sherlock-resync").start(this::resyncLoop));
      // Triggers last: what they open must meet the cooldowns recovery gave back.
      threads.add(Thread.ofVirtual().name("sherlock-metrics").start(this::metricsLoop));
      if (leadership.role() != Leadership.Role.SOLE) {
        threads.add(Thread.ofVirtual().name("sherlock-store-watch").start(() -> watchStore(seen)));
      }
      progress = progress.done();
    }
    startEventsIfTheirs();
    LOG.atInfo()
        .setMessage("ready: {} services read, {} queued for a reconcile, in {} ms{}")
        .addArgument(progress.services())
        .addArgument(queue.depth())
        .addArgument(Duration.ofNanos(System.nanoTime() - began).toMillis())
        .addArgument(
            leadership.shards() == 1
                ? ""
                : "; acting for shards %s of %d"
                    .formatted(leadership.shardsHeld(), leadership.shards()))
        .addKeyValue("services", progress.services())
        .log();
  }

  /**
   * How far start-up is: the first resync's services read and checked. Ready once it has completed
   * (with recovery) and reconciles and events run.
   */
  public record Progress(boolean ready, int services, int checked) {
    Progress done() {
      return new Progress(true, services, checked);
    }
  }

  public Progress progress() {
    return progress;
  }

  /**
   * Runs {@code listener} if this replica loses the lease it acted with. Its changes stop at once
   * (every change passes the lease's fence); the process should then end, as Kubernetes'
   * controllers do, and come back as a standby.
   */
  public void onLeaseLost(Runnable listener) {
    onLeaseLost.add(listener);
  }

  /**
   * With a shared store, sessions are opened, extended and ended through any replica's API: the
   * acting replica looks at the active sessions every {@link #STORE_WATCH} and reconciles each
   * service whose active sessions changed, and takes up a drain begun elsewhere. Its own changes
   * are queued again too: cheap, and an index that had not yet shown a new session to the first
   * reconcile shows it to this one.
   */
  private void watchStore(Map<String, Session> before) {
    Map<String, Session> seen = new HashMap<>(before);
    Instant[] next = {clock.instant().plus(STORE_WATCH)};
    every(
        () -> {
          if (clock.instant().isBefore(next[0])) {
            return;
          }
          next[0] = clock.instant().plus(STORE_WATCH);
          try {
            Map<String, Session> now = activeById();
            if (sessions.refreshDraining()) {
              sessions.touched().forEach(queue::add);
            }
            if (!seen.keySet().containsAll(now.keySet())) {
              sessions.refreshFleets(); // a new session may be a fleet's, opened through another
            }
            Set<String> ids = new HashSet<>(seen.keySet());
            ids.addAll(now.keySet());
            for (String id : ids) {
              Session was = seen.get(id);
              Session is = now.get(id);
              boolean changed =
                  was == null || is == null || !was.expiresAt().equals(is.expiresAt());
              if (changed) {
                queue.add(Objects.requireNonNullElse(is, was).serviceArn());
              }
            }
            seen.clear();
            seen.putAll(now);
          } catch (RuntimeException e) {
            LOG.warn(
                "the store could not be read for sessions changed elsewhere: {}",
                UserError.oneLine(e));
          }
        },
        () -> true);
  }

  private Map<String, Session> activeById() {
    Map<String, Session> byId = new HashMap<>();
    sessions.active().forEach(s -> byId.put(s.id(), s));
    return byId;
  }

  /** Reconciles done so far (for tests and metrics). */
  public long reconciles() {
    return reconciles.get();
  }

  public long duplicateEvents() {
    return duplicates.get();
  }

  public int queueDepth() {
    return queue.depth();
  }

  /** No reconcile runs or is due now (see {@link WorkQueue#settled}). */
  public boolean settled() {
    return queue.settled();
  }

  /** When the last resync succeeded: ECS answered for every selected cluster. */
  public Optional<Instant> lastResync() {
    return lastResync;
  }

  public Optional<String> lastResyncError() {
    return lastResyncError;
  }

  public boolean running() {
    return running;
  }

  /** Asks for a resync now rather than at the next interval. */
  public void resyncNow() {
    nextResync = Instant.MIN;
  }

  public void enqueue(String serviceArn) {
    queue.add(serviceArn);
  }

  /**
   * One event, from any of the receivers. Events of one service are handled one at a time, in the
   * order received (a lock per stripe of services): the dedup's check and mark, and counts that
   * span events, see them one after another; other services' events go on in parallel.
   */
  private void onEvent(EcsEvent event) {
    var stripe = eventStripes[Math.floorMod(event.serviceArn().hashCode(), eventStripes.length)];
    stripe.lock(); // a lock, not a monitor: a virtual thread waiting on it does not pin a carrier
    try {
      handle(event);
    } finally {
      stripe.unlock();
    }
  }

  private void handle(EcsEvent event) {
    metrics.events(event.getClass().getSimpleName()).increment();
    if (!triggers.fresh(event)) {
      duplicates.incrementAndGet();
      metrics.duplicates().increment();
      return;
    }
    triggers.handled(event, triggers.evaluate(event, policies.policies()));
    switch (event) {
      case EcsEvent.DeploymentStateChange d -> queue.add(d.serviceArn()); // a deployment moved
      case EcsEvent.ServiceAction a when !sessions.activeOn(a.serviceArn()).isEmpty() ->
          // A service in session changed: the window gathers a burst into one reconcile, and one
          // read for the services of the cluster it touches.
          queue.addAfter(a.serviceArn(), EVENT_WINDOW);
      default -> {
        // A task's state is no input of the reconcile: what a rollout does to tasks shows in its
        // deployment's events, and a watched rollout is looked at anyway. Reconciling on each
        // task event would read the service once per task start and stop.
      }
    }
  }

  private void work() {
    while (running) {
      Optional<String> next;
      try {
        next = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (next.isEmpty()) {
        return;
      }
      String serviceArn = next.get();
      if (!leadership.actsFor(serviceArn)) {
        // Another replica's shard: its holder reconciles it. Taken back, it is read again.
        queue.forget(serviceArn);
        queue.done(serviceArn);
        continue;
      }
      long start = System.nanoTime();
      try {
        Result result =
            leadership.actingFor(
                serviceArn, () -> reconciler.reconcile(serviceArn, read(serviceArn)));
        metrics.reconciled(Duration.ofNanos(System.nanoTime() - start));
        reconciles.incrementAndGet();
        queue.forget(serviceArn);
        result.requeueAfter().ifPresent(d -> queue.addAfter(serviceArn, d));
      } catch (RuntimeException e) {
        Duration backoff = queue.retry(serviceArn);
        LOG.warn(
            "reconcile of {} failed; retrying in {}: {}",
            ServiceArns.name(serviceArn),
            backoff,
            e.toString());
        if (e.getCause() != null) {
          LOG.debug("cause", e);
        }
      } finally {
        queue.done(serviceArn);
      }
    }
  }

  /**
   * The service as read after it was asked for: by the resync that queued it, by another worker's
   * batch, or now - with up to nine services of the same cluster that are due within {@link
   * #ALONG_WITH} (not backing off), whose reconciles are then moved up to use the reading. Services
   * in session whose rollouts are watched come due together this way: one call per ten, not one
   * each.
   */
  private Optional<Service> read(String serviceArn) {
    return services.readSince(
        serviceArn,
        queue.since(serviceArn),
        cluster ->
            queue.pullForward(
                arn -> ServiceArns.cluster(arn).equals(cluster) && leadership.actsFor(arn),
                ALONG_WITH,
                ServiceCache.PER_CALL - 1));
  }

  private void resyncLoop() {
    every(
        () -> {
          if (!clock.instant().isBefore(nextResync)) {
            nextResync = clock.instant().plus(config.resyncInterval());
            resyncOnce(recoverNext.getAndSet(false));
          }
        },
        () -> true);
  }

  /** One resync, with what its outcome means for readiness and the ECS dependency. */
  private void resyncOnce(boolean recover) {
    try {
      resync(recover);
      findingStore.prune(clock.instant().minus(config.findingsRetention()));
      lastResync = Optional.of(clock.instant());
      lastResyncError = Optional.empty();
      dependencies.up("ECS");
    } catch (RuntimeException e) {
      if (!running) {
        return; // interrupted by close(): not an outage
      }
      lastResyncError = Optional.of(UserError.oneLine(e));
      dependencies.down("ECS", "resync failed: " + UserError.oneLine(e));
      LOG.warn("resync failed: {}", UserError.oneLine(e));
    }
  }

  private void metricsLoop() {
    every(
        () -> {
          try {
            if (metricSource.pollIfDue()) {
              dependencies.up("CloudWatch");
            }
          } catch (RuntimeException e) {
            if (running) {
              dependencies.down("CloudWatch", "metric poll failed: " + UserError.oneLine(e));
            }
          }
        },
        () -> true);
  }

  /**
   * Runs {@code step} ten times a second while the controller runs and {@code still} holds. The
   * steps look at the clock themselves - it may be virtual or accelerated - and act when something
   * is due.
   */
  private void every(Runnable step, BooleanSupplier still) {
    while (running && still.getAsBoolean()) {
      step.run();
      try {
        Thread.sleep(100); // polls the (possibly virtual) clock; the step decides what is due
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Lists and describes every service the policies select (ten per DescribeServices, in parallel),
   * and queues each for a reconcile that has something to do: a service with nothing of Sherlock's
   * on it is settled, and a reconcile would only describe it again ({@link
   * ServiceReconciler#settled}). Services with open sessions are always queued: their sessions
   * expire, drift and fail through the reconcile. Queued services act on what the resync read.
   */
  public void resync() {
    resync(false);
  }

  /**
   * A resync; the first one ({@code recover}) also rebuilds from each service's tags and revision
   * what the store lacks ({@link Recovery}), from the same reading.
   */
  private void resync(boolean recover) {
    List<DebugPolicy> all = policies.policies();
    long stamp = order.stamp();
    // The replica receiving events knows every service (an event may be of any); the others read
    // only their shards'.
    List<Service> read =
        Selection.servicesOfWatchedClusters(
            ecs, all, arn -> leadership.receivesEvents() || leadership.actsFor(arn));
    AtomicInteger checked = new AtomicInteger();
    // Start-up's own progress; a later resync with recovery (a shard taken over) leaves it ready.
    boolean startingUp = recover && !progress.ready();
    if (startingUp) {
      progress = new Progress(false, read.size(), 0);
    }
    Set<String> readArns = new HashSet<>();
    read.forEach(service -> readArns.add(service.serviceArn()));
    // Deciding whether a service is settled may describe its revision, once ever: in parallel.
    List<Service> unsettled =
        Parallel.map(
                read,
                service -> {
                  services.put(service, stamp);
                  boolean recovered = recover && recovery.recover(service);
                  boolean act =
                      recovered
                          || (Selection.selects(all, service) && !reconciler.settled(service));
                  int n = checked.incrementAndGet();
                  if (startingUp) {
                    progress = new Progress(false, read.size(), n);
                    if (n % Math.max(1000, read.size() / 10) == 0) {
                      LOG.info("start-up: {} of {} services checked", n, read.size());
                    }
                  }
                  return act ? service : null;
                })
            .stream()
            .filter(Objects::nonNull)
            .toList();
    Set<String> queued = new HashSet<>();
    for (Service service : unsettled) {
      queue.addSince(service.serviceArn(), stamp); // its reconcile acts on this reading
      queued.add(service.serviceArn());
    }
    for (Session s : sessions.active()) {
      if (!queued.add(s.serviceArn())) {
        continue;
      }
      if (readArns.contains(s.serviceArn())) {
        queue.addSince(s.serviceArn(), stamp);
      } else {
        queue.add(s.serviceArn()); // of a cluster no policy watches: the reconcile reads it
      }
    }
  }

  /**
   * DebugSession documents in git are sessions: one opens for each new document, and ends when its
   * document is removed.
   */
  private void syncGitSessions(PolicySet set) {
    Set<String> declared = new HashSet<>();
    for (DebugSession doc : set.sessions()) {
      String id = "git-" + doc.name();
      declared.add(id);
      // One document that cannot open must not keep the next from opening.
      try {
        openGitSession(set, doc, id);
      } catch (RuntimeException e) {
        findings.record(
            FindingKind.Error,
            Findings.Subject.of(
                doc.spec().target().cluster(),
                doc.spec().target().service(),
                doc.spec().policy(),
                id),
            "cannot open DebugSession %s: %s".formatted(doc.name(), UserError.oneLine(e)));
      }
    }
    for (Session s : sessions.active()) {
      if (s.origin() == Session.Origin.GIT && !declared.contains(s.id())) {
        sessions.end(s.id(), "its DebugSession document was removed");
      }
    }
  }

  /** Opens the session a DebugSession document declares, unless it is open (or was) already. */
  private void openGitSession(PolicySet set, DebugSession doc, String id) {
    if (sessions.find(id).isPresent()) {
      return;
    }
    Optional<DebugPolicy> policy = set.policy(doc.spec().policy());
    if (policy.isEmpty()) {
      return;
    }
    var target = doc.spec().target();
    String clusterArn;
    try {
      clusterArn =
          ecs.listClusters().stream()
              .filter(a -> a.endsWith("/" + target.cluster()))
              .findFirst()
              .orElse(null);
    } catch (RuntimeException e) {
      LOG.warn(
          "cannot resolve cluster {} for session {} yet: {}", target.cluster(), id, e.toString());
      return;
    }
    if (clusterArn == null) {
      findings.record(
          FindingKind.Error,
          Findings.Subject.of(target.cluster(), target.service(), policy.get().name(), id),
          "DebugSession %s names cluster %s, which does not exist"
              .formatted(doc.name(), target.cluster()));
      return;
    }
    String serviceArn = clusterArn.replace(":cluster/", ":service/") + "/" + target.service();
    sessions.open(
        new Sessions.Request(
            policy.get(),
            target.cluster(),
            serviceArn,
            target.service(),
            Session.Origin.GIT,
            doc.spec().reason(),
            doc.spec().duration(),
            Optional.of(id)));
  }

  /**
   * Stops: no new events or work; a reconcile in flight may finish its step (up to {@code DRAIN}),
   * so no service is left between two calls of one change; then the loops are ended.
   */
  @Override
  public synchronized void close() {
    if (!running) {
      return;
    }
    running = false;
    events.close();
    policies.close();
    queue.shutdown();
    Instant deadline = Instant.now().plus(DRAIN);
    for (Thread thread : threads) {
      if (thread.getName().startsWith("sherlock-worker-")) {
        try {
          thread.join(Duration.between(Instant.now(), deadline).plusMillis(1));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    threads.forEach(Thread::interrupt);
    publisher.close();
    leadership.stop();
  }
}
