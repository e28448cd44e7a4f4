package dev.sherlock.session;

import dev.sherlock.config.SherlockConfig;
import dev.sherlock.finding.FindingKind;
import dev.sherlock.finding.Findings;
import dev.sherlock.policy.Action;
import dev.sherlock.policy.DebugPolicy;
import dev.sherlock.policy.DurationBounds;
import dev.sherlock.policy.Durations;
import dev.sherlock.policy.Mode;
import dev.sherlock.source.PolicyCommit;
import dev.sherlock.store.SessionStore;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Opens, extends and ends sessions, and decides whether a firing may open one: not while the
 * policy's cooldown runs on that service, not beyond the policy's {@code maxConcurrent} or the
 * global session limit, not beyond the global budget of mutations per hour. Every decision is a
 * finding. Who reconciles the service afterwards is told through {@link #onChange}.
 */
@Singleton
public final class Sessions {
  /** A request to open a session: what, where, why, and who asked. */
  public record Request(
      DebugPolicy policy,
      String cluster,
      String serviceArn,
      String serviceName,
      Session.Origin origin,
      String reason,
      Optional<Duration> duration,
      Optional<String> id) {}

  /**
   * A request to open one session on each service of a cluster whose name matches {@code services}
   * (a glob), under a budget the person sets for it.
   *
   * @param matched the matching services, ARN to name
   */
  public record FleetRequest(
      DebugPolicy policy,
      String cluster,
      String services,
      Map<String, String> matched,
      String reason,
      Optional<Duration> duration,
      int maxSessions,
      int changesPerHour) {}

  /** What came of a fleet request: the fleet, and each service's outcome. */
  public record FleetOutcome(Fleet fleet, Map<String, Outcome> outcomes) {}

  /** What came of a request. */
  public sealed interface Outcome {
    record Opened(Session session) implements Outcome {}

    record AlreadyOpen(Session session) implements Outcome {}

    record Suppressed(String why) implements Outcome {}
  }

  /** How many of the newest sessions {@link #touched} looks at. */
  private static final int TOUCHED_LOOKBACK = 500;

  private final SessionStore store;
  private final Findings findings;
  private final SherlockConfig config;
  private final Clock clock;
  private final PolicyCommit policyCommit;

  /**
   * The store's drain flag, read once: admission and every reconcile's memory ask it, and only
   * {@link #drain} changes it.
   */
  private volatile boolean draining;

  /** Fleets whose sessions may still be open, by session id. */
  private final Map<String, Fleet> fleetOfSession = new ConcurrentHashMap<>();

  private volatile Consumer<String> onChange = arn -> {};
  private final List<Consumer<Session>> onOpened =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  public Sessions(
      SessionStore store,
      Findings findings,
      SherlockConfig config,
      Clock clock,
      PolicyCommit policyCommit) {
    this.policyCommit = policyCommit;
    this.store = store;
    this.findings = findings;
    this.config = config;
    this.clock = clock;
    this.draining = store.draining();
    refreshFleets();
  }

  /**
   * Reads again the fleets whose sessions may still be open: with a shared store, another replica's
   * API may have opened one, and its sessions' changes count against its budget, not the global.
   */
  public void refreshFleets() {
    store
        .fleetsSince(clock.instant().minus(DurationBounds.LONGEST_SESSION))
        .forEach(f -> f.sessionIds().forEach(id -> fleetOfSession.put(id, f)));
  }

  /** Called with every session that opens (after it is stored). */
  public void onOpened(Consumer<Session> listener) {
    onOpened.add(listener);
  }

  /** Called with a service ARN whenever a session of that service opens, changes or ends. */
  public void onChange(Consumer<String> listener) {
    this.onChange = listener;
  }

  public synchronized Outcome open(Request request) {
    return open(request, Optional.empty());
  }

  /**
   * Opens one session per matching service, each under the same rules as one opened alone - the
   * policy's own limits, draining, dry run, the sidecar allow-list - except the global limits,
   * which the fleet's own budget replaces. Refused whole when more services match than the budget
   * allows sessions.
   *
   * @throws IllegalArgumentException when more services match than {@code maxSessions}
   */
  public synchronized FleetOutcome openFleet(FleetRequest request) {
    if (request.matched().size() > request.maxSessions()) {
      throw new IllegalArgumentException(
          "%d services match %s, more than the %d sessions this request allows"
              .formatted(request.matched().size(), request.services(), request.maxSessions()));
    }
    Fleet fleet =
        new Fleet(
            "f-" + UUID.randomUUID().toString().substring(0, 8),
            request.policy().name(),
            request.cluster(),
            request.services(),
            request.maxSessions(),
            request.changesPerHour(),
            clock.instant(),
            List.of());
    // The fleet is stored with the ids its sessions will have before any of them opens: the
    // replica that acts on them may be another, and must not count their changes as the global
    // budget's for want of knowing the fleet yet.
    Map<String, String> planned = new LinkedHashMap<>();
    request.matched().keySet().forEach(arn -> planned.put(arn, newSessionId()));
    store.saveFleet(fleet.withSessions(List.copyOf(planned.values())));
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    List<String> ids = new ArrayList<>();
    request
        .matched()
        .forEach(
            (arn, name) -> {
              Outcome outcome =
                  open(
                      new Request(
                          request.policy(),
                          request.cluster(),
                          arn,
                          name,
                          Session.Origin.MANUAL,
                          request.reason(),
                          request.duration(),
                          Optional.of(planned.get(arn))),
                      Optional.of(fleet));
              outcomes.put(name, outcome);
              if (outcome instanceof Outcome.Opened opened) {
                ids.add(opened.session().id());
              }
            });
    Fleet opened = fleet.withSessions(ids);
    store.saveFleet(opened);
    ids.forEach(id -> fleetOfSession.put(id, opened));
    return new FleetOutcome(opened, outcomes);
  }

  public Optional<Fleet> fleet(String id) {
    return store.fleet(id);
  }

  private Outcome open(Request request, Optional<Fleet> fleet) {
    Instant now = clock.instant();
    DebugPolicy policy = request.policy();
    Findings.Subject subject =
        Findings.Subject.of(request.cluster(), request.serviceName(), policy.name(), null);
    List<Session> active = store.active();
    Optional<Session> same =
        active.stream()
            .filter(
                s ->
                    s.policy().equals(policy.name()) && s.serviceArn().equals(request.serviceArn()))
            .findFirst();
    if (same.isPresent()) {
      return new Outcome.AlreadyOpen(same.get());
    }
    Optional<String> refusal = admission(request, active, now, fleet);
    if (refusal.isPresent()) {
      findings.record(
          FindingKind.TriggerSuppressed,
          subject,
          "%s on %s: %s".formatted(policy.name(), request.serviceName(), refusal.get()));
      return new Outcome.Suppressed(refusal.get());
    }
    boolean dryRun = config.dryRun() || policy.spec().mode() == Mode.DRY_RUN;
    Duration duration = request.duration().orElse(policy.spec().session().duration());
    // Callers check too, with the field's own name; this keeps any path from storing an expiry
    // beyond what an Instant can hold.
    DurationBounds.session("duration")
        .problem(duration)
        .ifPresent(
            p -> {
              throw new IllegalArgumentException(p);
            });
    Session session =
        new Session(
            request.id().orElseGet(Sessions::newSessionId),
            policy.name(),
            policy.spec().actions(),
            request.cluster(),
            request.serviceArn(),
            request.serviceName(),
            request.origin(),
            request.reason(),
            Session.State.ACTIVE,
            now,
            now.plus(duration),
            Optional.empty(),
            Optional.empty(),
            dryRun,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            false,
            false,
            policyCommit.id());
    Optional<Session> opener = store.saveIfFree(session);
    if (opener.isPresent()) {
      return new Outcome.AlreadyOpen(opener.get()); // opened a moment ago through another replica
    }
    var evidence =
        Findings.evidence()
            .put("reason", request.reason())
            .put("origin", request.origin().name())
            .put("expiresAt", session.expiresAt().toString())
            .put("dryRun", dryRun);
    findings.record(
        FindingKind.SessionOpened,
        subject(session),
        "session %s of %s opened on %s for %s%s: %s"
            .formatted(
                session.id(),
                policy.name(),
                request.serviceName(),
                Durations.format(duration),
                dryRun ? " (dry run)" : "",
                request.reason()),
        evidence);
    refuseSidecars(session);
    onChange.accept(session.serviceArn());
    onOpened.forEach(l -> l.accept(session));
    return new Outcome.Opened(session);
  }

  /**
   * Moves the end of an active session.
   *
   * @throws IllegalArgumentException when the session would then last longer than {@link
   *     DurationBounds#LONGEST_SESSION} from now
   */
  public synchronized Optional<Session> extend(String id, Duration by) {
    return store
        .session(id)
        .filter(Session::active)
        .map(
            s -> {
              Duration left = Duration.between(clock.instant(), s.expiresAt().plus(by));
              if (left.compareTo(DurationBounds.LONGEST_SESSION) > 0) {
                throw new IllegalArgumentException(
                    "extended by %s, session %s would last %s more, longer than %s, the longest a session may last"
                        .formatted(
                            Durations.format(by),
                            id,
                            Durations.format(left),
                            Durations.format(DurationBounds.LONGEST_SESSION)));
              }
              Session extended = s.withExpiry(s.expiresAt().plus(by));
              if (!store.saveIfActive(extended)) {
                return null; // ended meanwhile
              }
              onChange.accept(s.serviceArn());
              return extended;
            });
  }

  /**
   * For an uninstall: from now on every request to open a session is refused, and every active
   * session ends (their services revert). Returns the sessions it ended.
   */
  public synchronized List<Session> drain() {
    store.saveDraining();
    draining = true;
    List<Session> ended =
        store.active().stream()
            .map(s -> end(s.id(), "Sherlock is draining for an uninstall"))
            .flatMap(Optional::stream)
            .toList();
    // Those without a session now reconcile too: their reconcile takes Sherlock's tags off.
    touched().forEach(onChange);
    return ended;
  }

  /**
   * The services Sherlock has changed: those of the open sessions, however old, and of the newest
   * sessions, ended ones too.
   */
  public List<String> touched() {
    return java.util.stream.Stream.concat(
            store.active().stream(), store.recent(TOUCHED_LOOKBACK).stream())
        .map(Session::serviceArn)
        .distinct()
        .toList();
  }

  public boolean draining() {
    return draining;
  }

  /**
   * Takes up a drain another replica began (shared store): sessions are refused from now on.
   *
   * @return whether the drain is new here (then every service Sherlock touched needs a reconcile)
   */
  public boolean refreshDraining() {
    if (!draining && store.draining()) {
      draining = true;
      return true;
    }
    return false;
  }

  /** Ends an active session; the service's next reconcile reverts what it did. */
  public synchronized Optional<Session> end(String id, String why) {
    return store
        .session(id)
        .filter(Session::active)
        .map(s -> s.withState(Session.State.ENDED, clock.instant(), why))
        .filter(store::saveIfActive)
        .map(
            ended -> {
              findings.record(
                  FindingKind.SessionEnded,
                  subject(ended),
                  "session %s of %s on %s ended: %s"
                      .formatted(ended.id(), ended.policy(), ended.serviceName(), why));
              onChange.accept(ended.serviceArn());
              return ended;
            });
  }

  /** Marks a session failed with ECS's reason: it is not retried, and its changes are dropped. */
  public synchronized void fail(Session session, String why) {
    Session failed = session.withState(Session.State.FAILED, clock.instant(), why);
    if (!store.saveIfActive(failed)) {
      return; // it ended meanwhile: ended is terminal, and so is its record
    }
    findings.record(
        FindingKind.SessionFailed,
        subject(failed),
        "session %s of %s on %s failed: %s"
            .formatted(session.id(), session.policy(), session.serviceName(), why),
        Findings.evidence().put("reason", why));
  }

  /**
   * Stores what a reconcile did for an active session; a session that ended meanwhile stays ended.
   *
   * @return whether it was stored (false: the session is no longer active)
   */
  public boolean save(Session session) {
    return store.saveIfActive(session);
  }

  public List<Session> active() {
    return store.active();
  }

  /** Every session of a service, ended ones too, oldest first. */
  public List<Session> ofService(String serviceArn) {
    return store.ofService(serviceArn);
  }

  public List<Session> activeOn(String serviceArn) {
    return store.ofService(serviceArn).stream().filter(Session::active).toList();
  }

  public Optional<CapacityChange> capacity(String serviceArn) {
    return store.capacity(serviceArn);
  }

  public void saveCapacity(String serviceArn, CapacityChange change) {
    store.saveCapacity(serviceArn, change);
  }

  public void clearCapacity(String serviceArn) {
    store.clearCapacity(serviceArn);
  }

  public Optional<InsightsChange> insights(String cluster) {
    return store.insights(cluster);
  }

  public void saveInsights(InsightsChange change) {
    store.saveInsights(change);
  }

  public void clearInsights(String cluster) {
    store.clearInsights(cluster);
  }

  /** See {@link SessionStore#execBefore}. */
  public Optional<Boolean> execBefore(String serviceArn) {
    return store.execBefore(serviceArn);
  }

  public void saveExecBefore(String serviceArn, boolean enabled) {
    store.saveExecBefore(serviceArn, enabled);
  }

  public void clearExecBefore(String serviceArn) {
    store.clearExecBefore(serviceArn);
  }

  public Optional<ManagedRevision> revision(String arn) {
    return store.revision(arn);
  }

  public List<ManagedRevision> revisionsOf(String serviceArn) {
    return store.revisionsOf(serviceArn);
  }

  public void forgetRevision(String arn) {
    store.forgetRevision(arn);
  }

  public Optional<Session> find(String id) {
    return store.session(id);
  }

  /**
   * Counts a change made for these sessions against their hourly budget: the fleet's when they all
   * belong to one, else the global one. A revert (no session) counts against none.
   */
  public synchronized void mutated(List<Session> enforced) {
    if (!enforced.isEmpty()) {
      store.takeChange(budget(enforced).id(), clock.instant(), hourAgo(), Integer.MAX_VALUE);
    }
  }

  /**
   * Whether the hourly budget of these sessions' changes allows one more now. A revert - no session
   * left, the service goes back to what its people deployed - is never postponed by a budget.
   */
  public synchronized boolean mayMutate(List<Session> enforced) {
    if (enforced.isEmpty()) {
      return true;
    }
    return allows(budget(enforced));
  }

  /**
   * Takes one change of the budget if it allows one ({@link #mayMutate}), in one step: reconciles
   * of several services at once cannot all pass the check before any of them counts.
   */
  public synchronized boolean tryMutate(List<Session> enforced) {
    if (enforced.isEmpty()) {
      return true;
    }
    Budget budget = budget(enforced);
    return store.takeChange(budget.id(), clock.instant(), hourAgo(), budget.perHour());
  }

  /** An hourly budget of changes, by its id in the store, and how many it allows. */
  private record Budget(String id, int perHour) {}

  /**
   * The budget these sessions' changes count against, kept in the store: the same for whichever
   * replica acts, before a failover and after it.
   */
  private Budget budget(List<Session> enforced) {
    return fleetOf(enforced)
        .map(f -> new Budget(f.id(), f.changesPerHour()))
        .orElseGet(this::globalBudget);
  }

  private Budget globalBudget() {
    return new Budget(SessionStore.GLOBAL_BUDGET, config.mutationsPerHour());
  }

  private boolean allows(Budget budget) {
    return store.changes(budget.id(), hourAgo()).size() < budget.perHour();
  }

  private Instant hourAgo() {
    return clock.instant().minus(Duration.ofHours(1));
  }

  private static String newSessionId() {
    return "s-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** The fleet all these sessions belong to, if they all belong to one. */
  private Optional<Fleet> fleetOf(List<Session> enforced) {
    Fleet first = fleetOfSession.get(enforced.getFirst().id());
    if (first == null
        || !enforced.stream().allMatch(s -> first.id().equals(idOf(fleetOfSession.get(s.id()))))) {
      return Optional.empty();
    }
    return Optional.of(first);
  }

  private static String idOf(Fleet fleet) {
    return fleet == null ? null : fleet.id();
  }

  public static Findings.Subject subject(Session s) {
    return Findings.Subject.of(s.cluster(), s.serviceName(), s.policy(), s.id());
  }

  private Optional<String> admission(
      Request request, List<Session> active, Instant now, Optional<Fleet> fleet) {
    DebugPolicy policy = request.policy();
    if (draining) {
      return Optional.of("Sherlock is draining for an uninstall: it opens no more sessions");
    }
    if (request.origin() == Session.Origin.TRIGGER) {
      Duration cooldown = policy.spec().session().cooldown();
      Optional<Instant> lastEnd =
          store.ofService(request.serviceArn()).stream()
              .filter(s -> s.policy().equals(policy.name()) && !s.active())
              .map(s -> s.endedAt().orElse(s.expiresAt()))
              .max(Instant::compareTo);
      if (lastEnd.isPresent() && lastEnd.get().plus(cooldown).isAfter(now)) {
        return Optional.of("cooldown until %s".formatted(lastEnd.get().plus(cooldown)));
      }
    }
    long ofPolicy = active.stream().filter(s -> s.policy().equals(policy.name())).count();
    if (ofPolicy >= policy.spec().session().maxConcurrent()) {
      return Optional.of(
          "policy already has %d of at most %d sessions open"
              .formatted(ofPolicy, policy.spec().session().maxConcurrent()));
    }
    if (fleet.isPresent()) {
      return Optional.empty(); // the fleet's budget replaces the global limits
    }
    if (active.size() >= config.maxSessions()) {
      return Optional.of("%d sessions are open, the global limit".formatted(active.size()));
    }
    if (!allows(globalBudget())) {
      return Optional.of(
          "the budget of %d changes per hour is spent".formatted(config.mutationsPerHour()));
    }
    return Optional.empty();
  }

  /** Sidecar images off the allow-list are refused (and left out of the overlay): record it. */
  private void refuseSidecars(Session session) {
    for (Action action : session.actions()) {
      if (action instanceof Action.AttachSidecar sidecar && !imageAllowed(sidecar.image())) {
        findings.record(
            FindingKind.Error,
            subject(session),
            "sidecar %s refused: image %s is not on the allow-list (%s)"
                .formatted(
                    sidecar.name(), sidecar.image(), String.join(", ", config.sidecarImages())));
      }
    }
  }

  public boolean imageAllowed(String image) {
    return config.sidecarImages().stream().anyMatch(image::startsWith);
  }
}
