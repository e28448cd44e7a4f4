package dev.sherlock.reconcile;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.aws.AutoScalingGateway;
import dev.sherlock.aws.EcsGateway;
import dev.sherlock.finding.FindingKind;
import dev.sherlock.finding.Findings;
import dev.sherlock.overlay.Overlay;
import dev.sherlock.overlay.TaskDefinitionDiff;
import dev.sherlock.overlay.TaskDefinitionOverlay;
import dev.sherlock.plan.PlanPrinter;
import dev.sherlock.policy.Action;
import dev.sherlock.policy.Durations;
import dev.sherlock.session.CapacityChange;
import dev.sherlock.session.ManagedRevision;
import dev.sherlock.session.Session;
import dev.sherlock.session.Sessions;
import dev.sherlock.snapshot.SnapshotTaker;
import dev.sherlock.source.ServiceCache;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * Makes one service what its sessions say it should be, from what ECS reports now - never from the
 * event that woke it (level-based, idempotent: running it twice changes nothing the second time).
 *
 * <p>Desired = the service's base revision + the merged overlays of its active sessions; with no
 * session, the base itself. The base is the revision the service runs, or, when it runs one of
 * Sherlock's overlay revisions, the revision that one's {@code sherlock:base} tag names. So:
 *
 * <ul>
 *   <li><b>Drift</b> - a person deploys their own revision during a session: it is not Sherlock's,
 *       so it becomes the base and the overlay is re-applied on top. A revert therefore never rolls
 *       back a person's deploy.
 *   <li><b>Its own failure</b> - Sherlock deployed an overlay revision and the service is back on
 *       the base without anyone deploying (ECS's circuit breaker rolled back), or its deployment is
 *       FAILED: the sessions are marked failed with ECS's reason and their overlay dropped, so it
 *       is not tried again in a loop.
 * </ul>
 */
@Singleton
public final class ServiceReconciler {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ServiceReconciler.class);
  private static final Duration WATCH_ROLLOUT = Duration.ofSeconds(15);

  private static final Duration BUDGET_WAIT = Duration.ofMinutes(5);

  /** The same change of one service this often within the window had no lasting effect. */
  private static final int LOOP_LIMIT = 3;

  private static final Duration LOOP_WINDOW = Duration.ofMinutes(30);

  private final Map<String, Deque<Instant>> changesMade = new ConcurrentHashMap<>();
  private final EcsGateway ecs;
  private final Sessions sessions;
  private final Findings findings;
  private final Clock clock;
  private final SnapshotTaker snapshots;
  private final AutoScalingGateway autoScaling;
  private final Revisions revisions;
  private final ClusterInsights insights;

  public ServiceReconciler(
      EcsGateway ecs,
      Sessions sessions,
      Findings findings,
      Clock clock,
      SnapshotTaker snapshots,
      AutoScalingGateway autoScaling,
      Revisions revisions,
      ClusterInsights insights) {
    this.revisions = revisions;
    this.insights = insights;
    this.ecs = ecs;
    this.sessions = sessions;
    this.findings = findings;
    this.clock = clock;
    this.snapshots = snapshots;
    this.autoScaling = autoScaling;
  }

  /**
   * Reconciles the service as {@code described}: read after whatever asked for this reconcile (by
   * the caller, batched with other services where it could), empty if it no longer exists.
   */
  public Result reconcile(String serviceArn, Optional<Service> described) {
    List<Session> open = sessions.activeOn(serviceArn);
    if (described.isEmpty()) {
      open.forEach(s -> sessions.end(s.id(), "the service no longer exists"));
      insights.reconcile(ServiceArns.cluster(serviceArn));
      return Result.done();
    }
    Service service = described.get();
    deregisterUnused(service); // before this reconcile changes anything: as ECS describes it now
    Instant now = clock.instant();
    List<Session> current = new ArrayList<>();
    for (Session s : open) {
      if (s.expiresAt().isAfter(now)) {
        current.add(s);
      } else {
        sessions.end(s.id(), "expired");
      }
    }
    DescribeTaskDefinitionResponse running = ecs.taskDefinition(service.taskDefinition());
    Optional<ManagedRevision> managed = managed(running, serviceArn);
    boolean runsOverlay = managed.isPresent();
    DescribeTaskDefinitionResponse base =
        runsOverlay ? ecs.taskDefinition(managed.get().base()) : running;
    String baseArn = base.taskDefinition().taskDefinitionArn();

    List<Session> live = new ArrayList<>();
    for (Session s : current) {
      Optional<String> failure = ownFailure(s, service, runsOverlay);
      if (failure.isPresent()) {
        sessions.fail(s, failure.get());
        continue;
      }
      live.add(rebase(s, baseArn, service));
    }
    live.stream().filter(s -> s.dryRun() && !s.planned()).forEach(s -> plan(s, base, service));
    List<Session> enforced =
        live.stream()
            .filter(s -> !s.dryRun())
            .sorted(Comparator.comparing(Session::openedAt).thenComparing(Session::id))
            .toList();
    Overlay.Merged merged =
        Overlay.merge(enforced.stream().map(s -> Overlay.of(allowed(s.actions()))).toList());
    Result result = converge(service, running, base, enforced, merged);
    scale(service, enforced, merged.overlay().minCapacity());
    insights.reconcile(ServiceArns.cluster(serviceArn));
    result = result.soonest(capture(live, service, now));
    remember(service);
    for (Session s : live) {
      result = result.soonest(Result.after(Duration.between(now, s.expiresAt())));
    }
    return result;
  }

  /** Registers and deploys the desired revision, and sets ECS Exec, when they differ from now. */
  private Result converge(
      Service service,
      DescribeTaskDefinitionResponse running,
      DescribeTaskDefinitionResponse base,
      List<Session> enforced,
      Overlay.Merged merged) {
    Overlay overlay = merged.overlay();
    boolean execNow = Boolean.TRUE.equals(service.enableExecuteCommand());
    Optional<Boolean> recorded = sessions.execBefore(service.serviceArn());
    boolean execBefore = recorded.orElse(execNow);
    boolean wantExec = overlay.executeCommand() || execBefore;
    String baseArn = base.taskDefinition().taskDefinitionArn();
    String target = baseArn;
    Optional<TaskDefinitionOverlay.Result> registration = Optional.empty();
    String wanted =
        overlay.changesTaskDefinition() ? TaskDefinitionOverlay.hash(overlay) : "the base itself";
    boolean onWanted =
        overlay.changesTaskDefinition()
            ? managed(running, service.serviceArn())
                .map(m -> m.base().equals(baseArn) && m.overlayHash().equals(wanted))
                .orElse(false)
            : baseArn.equals(service.taskDefinition());
    if (!onWanted || wantExec != execNow) {
      if (endedMeanwhile(enforced)) {
        // A session ended while this reconcile ran: act on the state as it is now, not on the
        // copy read at the start. The end queued the service; reconcile again at once.
        return Result.after(Duration.ZERO);
      }
      if (!sessions.mayMutate(enforced)) {
        return budgetSpent(service);
      }
      if (repeatsWithoutEffect(
          service, "%s with %s, exec %s".formatted(baseArn, wanted, wantExec), enforced)) {
        return Result.done();
      }
    }
    if (overlay.changesTaskDefinition()) {
      String hash = wanted;
      if (onWanted) {
        target = running.taskDefinition().taskDefinitionArn();
      } else {
        if (!sessions.tryMutate(enforced)) {
          return budgetSpent(service);
        }
        var owners =
            new TaskDefinitionOverlay.Ownership(
                enforced.stream().map(Session::id).toList(),
                enforced.stream().map(Session::policy).distinct().toList(),
                enforced.stream().map(Session::expiresAt).max(Instant::compareTo));
        var result =
            TaskDefinitionOverlay.apply(base.taskDefinition(), base.tags(), overlay, owners);
        registration = Optional.of(result);
        var registered = revisions.register(service.serviceArn(), baseArn, hash, result.request());
        target = registered.taskDefinition().taskDefinitionArn();
      }
    }
    boolean changeRevision = !target.equals(service.taskDefinition());
    boolean changeExec = wantExec != Boolean.TRUE.equals(service.enableExecuteCommand());
    if (changeRevision || changeExec) {
      // The deployment of a revision just registered counts, but is not held back: half a change
      // is worse than a change.
      if (registration.isPresent()) {
        sessions.mutated(enforced);
      } else if (!sessions.tryMutate(enforced)) {
        return budgetSpent(service);
      }
      UpdateServiceRequest.Builder update =
          UpdateServiceRequest.builder()
              .cluster(service.clusterArn())
              .service(service.serviceArn());
      if (changeRevision) {
        update.taskDefinition(target);
      }
      if (changeExec) {
        // Exec applies to new tasks only: without a new revision it takes a forced deployment.
        update.enableExecuteCommand(wantExec).forceNewDeployment(!changeRevision);
        if (overlay.executeCommand()) {
          sessions.saveExecBefore(service.serviceArn(), execNow);
        }
      }
      ecs.updateService(update.build());
      record(service, running, base, target, enforced, merged, registration, changeExec, wantExec);
    }
    if (!overlay.executeCommand() && recorded.isPresent()) {
      sessions.clearExecBefore(service.serviceArn()); // put back (or nothing to put back)
    }
    for (Session s : enforced) {
      Session updated = s.withApplied(target, execBefore);
      if (!updated.equals(s)) {
        sessions.save(updated);
      }
    }
    // The description is from before this reconcile's own UpdateService: a change just made is a
    // rollout just started. Watching it to its end is what deregisters the revision it replaced.
    boolean rollingOut = changeRevision || changeExec || deploying(service);
    return rollingOut ? Result.after(WATCH_ROLLOUT) : Result.done();
  }

  private void record(
      Service service,
      DescribeTaskDefinitionResponse running,
      DescribeTaskDefinitionResponse base,
      String target,
      List<Session> enforced,
      Overlay.Merged merged,
      Optional<TaskDefinitionOverlay.Result> registration,
      boolean changeExec,
      boolean wantExec) {
    String name = service.serviceName();
    String from = TaskDefinitionOverlay.revisionOf(running.taskDefinition());
    Findings.Subject subject =
        enforced.isEmpty()
            ? Findings.Subject.of(ServiceArns.cluster(service.serviceArn()), name, null, null)
            : Sessions.subject(enforced.getFirst());
    ObjectNode evidence =
        Findings.evidence().put("from", service.taskDefinition()).put("to", target);
    if (changeExec) {
      evidence.put("enableExecuteCommand", wantExec);
    }
    if (enforced.isEmpty()) {
      // Say what went away, not only what remains: the overlay's changes, undone.
      ArrayNode undone = evidence.putArray("changes");
      if (!running
          .taskDefinition()
          .taskDefinitionArn()
          .equals(base.taskDefinition().taskDefinitionArn())) {
        TaskDefinitionDiff.between(
                TaskDefinitionOverlay.asRegistration(running.taskDefinition(), running.tags()),
                TaskDefinitionOverlay.asRegistration(base.taskDefinition(), base.tags()))
            .forEach(c -> undone.add(PlanPrinter.describe(c)));
      }
      if (changeExec && !wantExec) {
        undone.add("ECS Exec off");
      }
      findings.record(
          FindingKind.ActionReverted,
          subject,
          "%s back on %s (no session left)%s"
              .formatted(
                  name,
                  TaskDefinitionOverlay.revisionOf(base.taskDefinition()),
                  undone.isEmpty() ? "" : ": " + String.join("; ", textOf(undone))),
          evidence);
      return;
    }
    ArrayNode changes = evidence.putArray("changes");
    registration.ifPresent(
        r -> {
          TaskDefinitionDiff.between(
                  TaskDefinitionOverlay.asRegistration(base.taskDefinition(), base.tags()),
                  r.request())
              .forEach(c -> changes.add(PlanPrinter.describe(c)));
          r.problems()
              .forEach(
                  p -> findings.record(FindingKind.Error, subject, "%s: %s".formatted(name, p)));
        });
    merged
        .conflicts()
        .forEach(
            c ->
                findings.record(
                    FindingKind.Error, subject, "%s: sessions disagree on %s".formatted(name, c)));
    evidence.set("sessions", arrayOf(enforced.stream().map(Session::id).toList()));
    String revision = target.substring(target.lastIndexOf('/') + 1);
    findings.record(
        FindingKind.ActionApplied,
        subject,
        "%s now runs %s (was %s)%s%s"
            .formatted(
                name,
                revision,
                from,
                changes.isEmpty() ? "" : ": " + String.join("; ", textOf(changes)),
                !changeExec ? "" : wantExec ? "; ECS Exec on" : "; ECS Exec off"),
        evidence);
  }

  /**
   * The session's overlay revision was deployed and the service is back on its base although no one
   * deployed anything else: ECS rolled it back. Or its deployment is marked FAILED.
   */
  private Optional<String> ownFailure(Session s, Service service, boolean runsOverlay) {
    if (s.dryRun()
        || s.appliedRevision().isEmpty()
        || s.appliedRevision().get().equals(s.baseRevision().orElse(""))) {
      return Optional.empty();
    }
    String applied = s.appliedRevision().get();
    // FAILED counts only while the deployment is PRIMARY: one a person replaced is no failure.
    boolean failedRollout =
        service.deployments().stream()
            .anyMatch(
                d ->
                    "PRIMARY".equals(d.status())
                        && d.taskDefinition().equals(applied)
                        && "FAILED".equals(d.rolloutStateAsString()));
    boolean rolledBack =
        !runsOverlay && service.taskDefinition().equals(s.baseRevision().orElse(""));
    if (!failedRollout && !rolledBack) {
      return Optional.empty();
    }
    String why =
        service.deployments().stream()
            .filter(d -> d.taskDefinition().equals(applied) && d.rolloutStateReason() != null)
            .map(d -> d.rolloutStateReason())
            .findFirst()
            .or(
                () ->
                    service.events().stream()
                        .map(e -> e.message())
                        .filter(m -> m.contains("deployment failed"))
                        .findFirst())
            .orElse("the service left the overlay revision");
    return Optional.of(
        "ECS: %s (the service runs %s again)"
            .formatted(
                why,
                service.taskDefinition().substring(service.taskDefinition().lastIndexOf('/') + 1)));
  }

  /** Keeps the session's base current: a person's deploy during the session becomes the base. */
  private Session rebase(Session s, String baseArn, Service service) {
    if (s.baseRevision().isPresent() && !s.baseRevision().get().equals(baseArn) && !s.dryRun()) {
      findings.record(
          FindingKind.Drift,
          Sessions.subject(s),
          "%s was deployed as %s during session %s; it is the new base and the overlay is re-applied on it"
              .formatted(
                  service.serviceName(), baseArn.substring(baseArn.lastIndexOf('/') + 1), s.id()),
          Findings.evidence().put("previousBase", s.baseRevision().get()).put("newBase", baseArn));
    }
    if (s.baseRevision().equals(Optional.of(baseArn))) {
      return s;
    }
    Session rebased = s.withBase(baseArn);
    sessions.save(rebased);
    return rebased;
  }

  /**
   * Keeps the service's {@link ServiceMemory} tags in step with the store - the sessions that
   * ended, what to put back - so that a lost store reopens nothing and restores everything. Only a
   * difference costs a call.
   */
  private void remember(Service service) {
    MemoryChange change = memoryChange(service);
    if (!change.set().isEmpty()) {
      ecs.tag(service.serviceArn(), change.set());
    }
    if (!change.remove().isEmpty()) {
      ecs.untag(service.serviceArn(), change.remove());
    }
  }

  /**
   * The tags of {@link ServiceMemory} to set and to remove so that they say what the store does.
   */
  private record MemoryChange(Map<String, String> set, List<String> remove) {
    boolean none() {
      return set.isEmpty() && remove.isEmpty();
    }
  }

  private MemoryChange memoryChange(Service service) {
    String arn = service.serviceArn();
    Map<String, String> now = ServiceCache.tags(service);
    Map<String, String> set = new LinkedHashMap<>();
    List<String> remove = new ArrayList<>();
    Map<String, Optional<String>> memory =
        ServiceMemory.tags(
            sessions.ofService(arn), sessions.execBefore(arn), sessions.capacity(arn));
    if (sessions.draining()) {
      // No session opens again, so no cooldown needs remembering: an uninstall leaves no tag.
      memory.put(ServiceMemory.TAG_ENDED, Optional.empty());
    }
    memory.forEach(
        (key, value) -> {
          if (value.isPresent() && !value.get().equals(now.get(key))) {
            set.put(key, value.get());
          } else if (value.isEmpty() && now.containsKey(key)) {
            remove.add(key);
          }
        });
    return new MemoryChange(set, remove);
  }

  /**
   * Whether a reconcile of this service, as a resync has just described it, would change nothing:
   * no session of it is open, it runs no revision of Sherlock's (by the store or by the revision's
   * own tags), no revision of Sherlock's waits to be deregistered, nothing waits to be put back
   * (capacity, ECS Exec), and its memory tags say what the store does. The resync leaves such a
   * service alone: describing it again, by itself, is all the reconcile would have done. The
   * revision's description costs nothing after the first (revisions never change: it is cached).
   */
  public boolean settled(Service service) {
    String arn = service.serviceArn();
    try {
      return sessions.activeOn(arn).isEmpty()
          && sessions.revisionsOf(arn).isEmpty()
          && sessions.capacity(arn).isEmpty()
          && sessions.execBefore(arn).isEmpty()
          && ownRevision(service).isEmpty()
          && memoryChange(service).none();
    } catch (RuntimeException e) {
      // Not known to be settled (throttled, denied, a tag that does not parse): let the
      // reconcile, with its own retries and backoff, find out.
      return false;
    }
  }

  /** The revision of Sherlock's the service runs, by the store or by the revision's own tags. */
  public Optional<ManagedRevision> ownRevision(Service service) {
    String arn = service.taskDefinition();
    return sessions
        .revision(arn)
        .or(() -> revisions.sherlocks(arn).flatMap(r -> managed(r, service.serviceArn())));
  }

  /**
   * Deregisters the revisions Sherlock registered for this service that nothing runs any more: not
   * the service's revision, not in any of its deployments, and no deployment still rolling
   * (ecs-deploy likewise deregisters the revision it replaces). Session overlays do not pile up as
   * ACTIVE revisions. A failure is left for the next reconcile; it changes nothing that runs.
   */
  private void deregisterUnused(Service service) {
    if (deploying(service)) {
      return;
    }
    Set<String> inUse = new HashSet<>();
    inUse.add(service.taskDefinition());
    service.deployments().forEach(d -> inUse.add(d.taskDefinition()));
    int deregistered = 0;
    for (ManagedRevision revision : sessions.revisionsOf(service.serviceArn())) {
      if (inUse.contains(revision.arn())) {
        continue;
      }
      try {
        ecs.deregister(revision.arn());
        sessions.forgetRevision(revision.arn());
        deregistered++;
      } catch (RuntimeException e) {
        LOG.debug("deregistering {} failed; next reconcile: {}", revision.arn(), e.toString());
      }
    }
    if (deregistered > 0 && sessions.activeOn(service.serviceArn()).isEmpty()) {
      deregisterUnrecorded(service, inUse);
    }
  }

  /**
   * Once a service's last session is undone: deregisters the revisions tagged for its sessions that
   * no replica recorded. A replica that loses its lease while its RegisterTaskDefinition is already
   * on the wire (paused, or starved past the lease) registers one that ECS cannot refuse and its
   * successor cannot know; it is never deployed, and it must not be left behind. One
   * ListTaskDefinitions per session's end; each revision is described once.
   */
  private void deregisterUnrecorded(Service service, Set<String> inUse) {
    Set<String> ids = new HashSet<>();
    sessions.ofService(service.serviceArn()).forEach(s -> ids.add(s.id()));
    String running = service.taskDefinition();
    String revision = running.substring(running.lastIndexOf('/') + 1);
    String family = revision.substring(0, revision.lastIndexOf(':'));
    try {
      for (String candidate : ecs.newestRevisions(family, 10)) {
        if (inUse.contains(candidate)) {
          continue;
        }
        DescribeTaskDefinitionResponse described = ecs.taskDefinition(candidate);
        boolean ours =
            TaskDefinitionOverlay.tag(described, TaskDefinitionOverlay.TAG_MANAGED).isPresent()
                && TaskDefinitionOverlay.tag(described, TaskDefinitionOverlay.TAG_SESSION).stream()
                    .flatMap(t -> java.util.Arrays.stream(t.split(",")))
                    .anyMatch(ids::contains);
        if (ours) {
          ecs.deregister(candidate);
          LOG.info(
              "deregistered {}, registered for a session of {} but never recorded",
              candidate,
              service.serviceName());
        }
      }
    } catch (RuntimeException e) {
      LOG.debug("looking for unrecorded revisions of {} failed: {}", family, e.toString());
    }
  }

  /**
   * Whether a revision is one of Sherlock's, and on which base with which overlay: from its tags,
   * or from Sherlock's own record of what it registered when the tags do not come back.
   */
  private Optional<ManagedRevision> managed(
      DescribeTaskDefinitionResponse revision, String serviceArn) {
    String arn = revision.taskDefinition().taskDefinitionArn();
    if (TaskDefinitionOverlay.tag(revision, TaskDefinitionOverlay.TAG_MANAGED).isPresent()) {
      return Optional.of(
          new ManagedRevision(
              arn,
              serviceArn,
              TaskDefinitionOverlay.tag(revision, TaskDefinitionOverlay.TAG_BASE).orElseThrow(),
              TaskDefinitionOverlay.tag(revision, TaskDefinitionOverlay.TAG_OVERLAY).orElse("")));
    }
    return sessions.revision(arn);
  }

  /**
   * The loop breaker: when the same change of a service has been made {@link #LOOP_LIMIT} times
   * within {@link #LOOP_WINDOW} - each time undone by something else, a pipeline that redeploys, an
   * API that does not keep what it is told - making it again would only spend the mutation budget.
   * It stops with one {@code Error} finding, until the window has passed or the change differs.
   */
  private boolean repeatsWithoutEffect(Service service, String change, List<Session> enforced) {
    Instant now = clock.instant();
    if (changesMade.size() > 1000) { // changes of the past only matter within the window
      changesMade
          .values()
          .removeIf(t -> t.isEmpty() || t.peekLast().isBefore(now.minus(LOOP_WINDOW)));
    }
    Deque<Instant> times =
        changesMade.computeIfAbsent(service.serviceArn() + " " + change, k -> new ArrayDeque<>());
    synchronized (times) {
      while (!times.isEmpty() && times.peekFirst().isBefore(now.minus(LOOP_WINDOW))) {
        times.removeFirst();
      }
      if (times.size() < LOOP_LIMIT) {
        times.addLast(now);
        return false;
      }
      if (times.size() == LOOP_LIMIT) {
        times.addLast(now); // the finding is recorded once per episode
        findings.record(
            FindingKind.Error,
            enforced.isEmpty()
                ? Findings.Subject.of(
                    ServiceArns.cluster(service.serviceArn()), service.serviceName(), null, null)
                : Sessions.subject(enforced.getFirst()),
            "%s was changed the same way %d times within %s and it did not last (is something redeploying it?); Sherlock stops changing it until %s"
                .formatted(
                    service.serviceName(),
                    LOOP_LIMIT,
                    Durations.format(LOOP_WINDOW),
                    times.peekFirst().plus(LOOP_WINDOW)));
      }
      return true;
    }
  }

  private boolean endedMeanwhile(List<Session> enforced) {
    return enforced.stream()
        .anyMatch(s -> sessions.find(s.id()).map(stored -> !stored.active()).orElse(true));
  }

  /** A dry-run session records what it would change, once, and changes nothing. */
  private void plan(Session s, DescribeTaskDefinitionResponse base, Service service) {
    Overlay overlay = Overlay.of(allowed(s.actions()));
    ObjectNode evidence = Findings.evidence();
    ArrayNode changes = evidence.putArray("changes");
    if (overlay.changesTaskDefinition()) {
      var result =
          TaskDefinitionOverlay.apply(
              base.taskDefinition(),
              base.tags(),
              overlay,
              TaskDefinitionOverlay.Ownership.of(s.id()));
      TaskDefinitionDiff.between(
              TaskDefinitionOverlay.asRegistration(base.taskDefinition(), base.tags()),
              result.request())
          .forEach(c -> changes.add(PlanPrinter.describe(c)));
      result.problems().forEach(p -> changes.add("! " + p));
    }
    if (overlay.executeCommand() && !Boolean.TRUE.equals(service.enableExecuteCommand())) {
      changes.add("~ service enableExecuteCommand: false -> true");
    }
    findings.record(
        FindingKind.Plan,
        Sessions.subject(s),
        "dry run: session %s would %s"
            .formatted(
                s.id(), changes.isEmpty() ? "change nothing" : String.join("; ", textOf(changes))),
        evidence);
    sessions.save(s.withPlanned());
  }

  private Result budgetSpent(Service service) {
    findings.record(
        FindingKind.TriggerSuppressed,
        Findings.Subject.of(
            ServiceArns.cluster(service.serviceArn()), service.serviceName(), null, null),
        "%s: change postponed, the hourly budget of changes is spent"
            .formatted(service.serviceName()));
    return Result.after(BUDGET_WAIT);
  }

  /**
   * Raises the service's capacity floor to what its sessions ask ({@code scaleCapacity}) and puts
   * it back when none asks any more: the scalable target's minimum (and maximum, if it was lower)
   * when the service has one, else its desired count. What it was before is kept in the store; on
   * the way back, a desired count someone changed meanwhile is left as they set it.
   */
  private void scale(Service service, List<Session> enforced, Optional<Integer> floor) {
    String cluster = ServiceArns.cluster(service.serviceArn());
    String name = service.serviceName();
    Optional<CapacityChange> raised = sessions.capacity(service.serviceArn());
    int desired = service.desiredCount() == null ? 0 : service.desiredCount();
    if (floor.isEmpty() && raised.isEmpty()) {
      return;
    }
    var target = autoScaling.target(cluster, name);
    if (floor.isPresent()) {
      int want = floor.get();
      int now = target.map(t -> t.minCapacity()).orElse(desired);
      if (now >= want || !sessions.tryMutate(enforced)) {
        return;
      }
      CapacityChange change =
          raised
              .orElse(
                  new CapacityChange(
                      target.isPresent(),
                      now,
                      target.map(t -> t.maxCapacity()).orElse(desired),
                      desired,
                      want))
              .raisedTo(want);
      sessions.saveCapacity(service.serviceArn(), change);
      if (target.isPresent()) {
        autoScaling.bounds(cluster, name, want, Math.max(want, target.get().maxCapacity()));
      } else {
        ecs.updateService(
            UpdateServiceRequest.builder()
                .cluster(service.clusterArn())
                .service(service.serviceArn())
                .desiredCount(want)
                .build());
      }
      findings.record(
          FindingKind.ActionApplied,
          Sessions.subject(enforced.getFirst()),
          "%s capacity floor %d -> %d (%s)"
              .formatted(
                  name,
                  now,
                  want,
                  target.isPresent() ? "scalable target minimum" : "desired count"),
          Findings.evidence().put("before", now).put("after", want));
      return;
    }
    CapacityChange change = raised.get();
    if (change.scalableTarget() && target.isPresent()) {
      autoScaling.bounds(cluster, name, change.floorBefore(), change.maxBefore());
    }
    if (desired == change.raisedTo()) {
      int back =
          change.scalableTarget()
              ? Math.max(change.desiredBefore(), change.floorBefore())
              : change.desiredBefore();
      ecs.updateService(
          UpdateServiceRequest.builder()
              .cluster(service.clusterArn())
              .service(service.serviceArn())
              .desiredCount(back)
              .build());
    }
    sessions.clearCapacity(service.serviceArn());
    findings.record(
        FindingKind.ActionReverted,
        Findings.Subject.of(cluster, name, null, null),
        "%s capacity floor back to %d (no session asks for more)"
            .formatted(name, change.floorBefore()),
        Findings.evidence().put("before", change.raisedTo()).put("after", change.floorBefore()));
  }

  /**
   * Takes a session's snapshot once its changes are live - the overlay's deployment completed - so
   * that its sidecars (a metadata proxy) and log level are in the evidence, and then its {@code
   * after} later; at once for a dry run. Stopped tasks stay visible for an hour, so the wait loses
   * nothing. Asks to be reconciled again when a snapshot's wait ends.
   */
  private Result capture(List<Session> live, Service service, Instant now) {
    Result result = Result.done();
    for (Session s : live) {
      if (!s.wantsSnapshot() || s.captured()) {
        continue;
      }
      Optional<Instant> liveSince =
          s.dryRun()
              ? Optional.of(s.openedAt())
              : service.deployments().stream()
                  .filter(
                      d ->
                          "PRIMARY".equals(d.status())
                              && d.taskDefinition().equals(service.taskDefinition())
                              && s.appliedRevision()
                                  .map(service.taskDefinition()::equals)
                                  .orElse(false)
                              && "COMPLETED".equals(d.rolloutStateAsString()))
                  .map(d -> d.updatedAt() != null ? d.updatedAt() : now)
                  .findFirst();
      if (liveSince.isEmpty()) {
        continue;
      }
      Instant due = liveSince.get().plus(s.snapshotDelay());
      if (due.isAfter(now)) {
        result = result.soonest(Result.after(Duration.between(now, due)));
        continue;
      }
      sessions.save(sessions.find(s.id()).orElse(s).withCaptured());
      snapshots.captureAsync(s);
    }
    return result;
  }

  /** Sidecars whose images are not allow-listed are left out (the refusal is a finding already). */
  private List<Action> allowed(List<Action> actions) {
    return actions.stream()
        .filter(
            a ->
                !(a instanceof Action.AttachSidecar sidecar)
                    || sessions.imageAllowed(sidecar.image()))
        .toList();
  }

  /** ECS Exec as the service had it before any session touched it. */
  private static boolean deploying(Service service) {
    return service.deployments().stream()
        .anyMatch(d -> "IN_PROGRESS".equals(d.rolloutStateAsString()));
  }

  private static List<String> textOf(ArrayNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(n -> texts.add(n.asText()));
    return texts;
  }

  private static ArrayNode arrayOf(List<String> values) {
    ArrayNode array = Findings.evidence().arrayNode();
    values.forEach(array::add);
    return array;
  }
}
