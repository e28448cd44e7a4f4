package dev.sherlock.trigger;

import static dev.sherlock.store.SessionStore.EVENT_MEMORY;

import dev.sherlock.UserError;
import dev.sherlock.finding.FindingKind;
import dev.sherlock.finding.Findings;
import dev.sherlock.plan.PlanPrinter;
import dev.sherlock.policy.DebugPolicy;
import dev.sherlock.policy.Trigger;
import dev.sherlock.reconcile.ServiceArns;
import dev.sherlock.session.HandledEvent;
import dev.sherlock.session.Session;
import dev.sherlock.session.Sessions;
import dev.sherlock.source.EcsEvent;
import dev.sherlock.source.ServiceCache;
import dev.sherlock.store.SessionStore;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * Matches ECS events against the event triggers of the policies that select the event's service:
 * {@code taskStopped}, {@code restarts} (a crash loop), {@code serviceEvent} and {@code
 * deploymentFailed}. A match is a {@code TriggerFired} finding and a request to open a session.
 *
 * <p>EventBridge delivers at least once and in no particular order, so an event id seen before is
 * ignored, and a task event older than the newest seen for that task ({@code detail.version}) is
 * stale: neither can fire anything twice.
 *
 * <p>What later events depend on - the events that fired or counted toward a crash loop - is kept
 * in the store as well ({@link HandledEvent}) and read back when this replica starts acting: after
 * a failover or a restart, a redelivered event is still a duplicate and a crash loop's count goes
 * on. Events that decided nothing are remembered here only; a redelivered one decides nothing
 * again.
 */
@Singleton
public final class TriggerEngine {
  private static final Logger LOG = LoggerFactory.getLogger(TriggerEngine.class);
  private static final int REMEMBERED = 10_000;
  private static final long REORDER_WINDOW = 100;
  private static final List<String> SELF_INFLICTED =
      List.of("EssentialContainerExited", "TaskFailedToStart");

  private final Sessions sessions;
  private final Findings findings;
  private final ServiceCache services;
  private final Map<String, Boolean> seenEvents = lru();
  private final Map<String, Long> taskVersions = lru();
  private final Map<String, Deque<Instant>> stops = new ConcurrentHashMap<>();
  private final SessionStore store;
  private final Clock clock;

  public TriggerEngine(
      Sessions sessions,
      Findings findings,
      ServiceCache services,
      SessionStore store,
      Clock clock) {
    this.sessions = sessions;
    this.findings = findings;
    this.services = services;
    this.store = store;
    this.clock = clock;
  }

  /**
   * Takes back what the store remembers of the last {@link SessionStore#EVENT_MEMORY}: called
   * before this replica handles its first event.
   *
   * @return how many events it remembered
   */
  public synchronized int resume() {
    List<HandledEvent> remembered = store.handledSince(clock.instant().minus(EVENT_MEMORY));
    for (HandledEvent event : remembered) {
      seenEvents.put(event.id(), Boolean.TRUE);
      event.taskArn().ifPresent(task -> taskVersions.merge(task, event.version(), Math::max));
      event.stoppedAt().ifPresent(at -> addStop(event.serviceArn(), at));
    }
    return remembered.size();
  }

  /**
   * Whether the event is new: not handled before, and not older than a task state already handled.
   * Asking changes nothing; {@link #handled} records the event once it has been acted on, so an
   * event whose handling failed is new again when SQS delivers it again.
   */
  public synchronized boolean fresh(EcsEvent event) {
    if (seenEvents.containsKey(event.id())) {
      return false;
    }
    if (event instanceof EcsEvent.TaskStateChange task) {
      Long newest = taskVersions.get(task.taskArn());
      return newest == null || !stale(task.version(), newest);
    }
    return true;
  }

  /**
   * Records an event as handled: its id, and for a task the version now known; in the store too
   * when {@link #evaluate} says later events depend on it.
   */
  public synchronized void handled(EcsEvent event, Evaluation evaluation) {
    seenEvents.put(event.id(), Boolean.TRUE);
    Optional<String> task = Optional.empty();
    long version = 0;
    if (event instanceof EcsEvent.TaskStateChange change) {
      taskVersions.put(change.taskArn(), change.version());
      task = Optional.of(change.taskArn());
      version = change.version();
    }
    if (evaluation.matters()) {
      try {
        store.saveHandledEvent(
            new HandledEvent(
                event.id(),
                clock.instant(),
                event.serviceArn(),
                task,
                version,
                evaluation.crashAt()));
      } catch (RuntimeException e) {
        // Handling it again would fire and count it twice here, where it is known: only a
        // successor, should there be one before the store answers again, would not know it.
        LOG.warn(
            "event {} is handled, but the store could not record it for a successor: {}",
            event.id(),
            UserError.oneLine(e));
      }
    }
  }

  /**
   * What an event decided: whether a trigger fired on it, and when the crash it counted toward a
   * crash loop happened, if it did.
   */
  public record Evaluation(boolean fired, Optional<Instant> crashAt) {
    static final Evaluation NOTHING = new Evaluation(false, Optional.empty());

    /** Whether a later event's handling depends on this one. */
    public boolean matters() {
      return fired || crashAt.isPresent();
    }
  }

  /**
   * A task's {@code detail.version} grows by one per state change, and a task has a handful of
   * them; events arrive out of order by a few versions at most. So an older version is stale only
   * when it lies within {@link #REORDER_WINDOW} of the newest: a forged or corrupt version far
   * ahead ({@code Long.MAX_VALUE}) cannot make every later real event of the task look stale - the
   * next real one replaces it.
   */
  static boolean stale(long version, long newest) {
    return version <= newest && newest - version < REORDER_WINDOW;
  }

  /** Matches a fresh event against the policies; opens sessions for those that fire. */
  public Evaluation evaluate(EcsEvent event, List<DebugPolicy> policies) {
    Optional<Service> service = Optional.empty();
    boolean recordedStop = false;
    Optional<Instant> crashAt = Optional.empty();
    boolean fired = false;
    for (DebugPolicy policy : policies) {
      for (Trigger trigger : policy.spec().triggers()) {
        if (!kindMatches(trigger, event)) {
          continue;
        }
        if (service.isEmpty()) {
          service = services.get(event.serviceArn());
          if (service.isEmpty()) {
            return Evaluation.NOTHING; // the service is gone; nothing to debug
          }
        }
        Service s = service.get();
        if (!policy
            .spec()
            .target()
            .selects(s.clusterArn(), s.serviceName(), ServiceCache.tags(s))) {
          continue;
        }
        Optional<String> why =
            switch (trigger) {
              case Trigger.TaskStopped t -> taskStopped(t, (EcsEvent.TaskStateChange) event);
              case Trigger.Restarts r -> {
                if (!recordedStop) {
                  crashAt = recordStop((EcsEvent.TaskStateChange) event);
                  recordedStop = true;
                }
                yield restarts(r, (EcsEvent.TaskStateChange) event);
              }
              case Trigger.ServiceEvent e ->
                  e.names().contains(((EcsEvent.ServiceAction) event).eventName())
                      ? Optional.of("service event " + ((EcsEvent.ServiceAction) event).eventName())
                      : Optional.empty();
              case Trigger.DeploymentFailed d ->
                  deploymentFailed((EcsEvent.DeploymentStateChange) event);
              case Trigger.Metric m -> Optional.empty();
            };
        if (why.isPresent()) {
          fire(policy, trigger, s, why.get());
          fired = true;
          break; // one firing per policy and event
        }
      }
    }
    return new Evaluation(fired, crashAt);
  }

  private void fire(DebugPolicy policy, Trigger trigger, Service service, String why) {
    fire(policy, trigger, service, why, Findings.evidence());
  }

  /**
   * Records a firing and asks for a session - unless the session it would open is running.
   *
   * @param evidence what made it fire (metric datapoints, the stopped task)
   */
  public void fire(
      DebugPolicy policy,
      Trigger trigger,
      Service service,
      String why,
      com.fasterxml.jackson.databind.node.ObjectNode evidence) {
    boolean open =
        sessions.activeOn(service.serviceArn()).stream()
            .anyMatch(s -> s.policy().equals(policy.name()));
    if (open) {
      return; // the session this would open is running: the firing is already answered
    }
    String cluster = ServiceArns.cluster(service.serviceArn());
    findings.record(
        FindingKind.TriggerFired,
        Findings.Subject.of(cluster, service.serviceName(), policy.name(), null),
        "%s fired on %s: %s".formatted(policy.name(), service.serviceName(), why),
        evidence.put("trigger", PlanPrinter.describe(trigger)).put("cause", why));
    sessions.open(
        new Sessions.Request(
            policy,
            cluster,
            service.serviceArn(),
            service.serviceName(),
            Session.Origin.TRIGGER,
            why,
            Optional.empty(),
            Optional.empty()));
  }

  private static boolean kindMatches(Trigger trigger, EcsEvent event) {
    return switch (trigger) {
      case Trigger.TaskStopped t -> isStop(event);
      case Trigger.Restarts r -> isStop(event);
      case Trigger.ServiceEvent e -> event instanceof EcsEvent.ServiceAction;
      case Trigger.DeploymentFailed d -> event instanceof EcsEvent.DeploymentStateChange;
      case Trigger.Metric m -> false;
    };
  }

  private static boolean isStop(EcsEvent event) {
    return event instanceof EcsEvent.TaskStateChange t && t.lastStatus().equals("STOPPED");
  }

  private static Optional<String> taskStopped(
      Trigger.TaskStopped trigger, EcsEvent.TaskStateChange task) {
    if (!trigger.stopCodes().isEmpty()
        && !trigger.stopCodes().contains(task.stopCode().orElse(""))) {
      return Optional.empty();
    }
    var containers =
        task.containers().stream()
            .filter(c -> trigger.container().map(c.name()::equals).orElse(true))
            .toList();
    if (trigger.container().isPresent() && containers.isEmpty()) {
      return Optional.empty();
    }
    Optional<EcsEvent.TaskStateChange.Container> exited =
        containers.stream()
            .filter(c -> c.exitCode().map(trigger.exitCodes()::contains).orElse(false))
            .findFirst();
    if (!trigger.exitCodes().isEmpty() && exited.isEmpty()) {
      return Optional.empty();
    }
    if (trigger.reason().isPresent()) {
      var glob = trigger.reason().get();
      boolean reasonMatches =
          task.stoppedReason().map(glob::matches).orElse(false)
              || containers.stream().anyMatch(c -> c.reason().map(glob::matches).orElse(false));
      if (!reasonMatches) {
        return Optional.empty();
      }
    }
    String taskId = task.taskArn().substring(task.taskArn().lastIndexOf('/') + 1);
    return Optional.of(
        "task %s stopped (%s%s): %s"
            .formatted(
                taskId,
                task.stopCode().orElse("no stop code"),
                exited
                    .map(c -> ", %s exited %d".formatted(c.name(), c.exitCode().orElseThrow()))
                    .orElse(""),
                exited
                    .flatMap(EcsEvent.TaskStateChange.Container::reason)
                    .or(task::stoppedReason)
                    .orElse("")));
  }

  /** Counts a task that stopped by itself toward its service's crash loops; returns when. */
  private Optional<Instant> recordStop(EcsEvent.TaskStateChange task) {
    if (!SELF_INFLICTED.contains(task.stopCode().orElse(""))) {
      return Optional.empty();
    }
    Instant at = task.stoppedAt().orElse(task.time());
    addStop(task.serviceArn(), at);
    return Optional.of(at);
  }

  private void addStop(String serviceArn, Instant at) {
    Deque<Instant> times = stops.computeIfAbsent(serviceArn, k -> new ArrayDeque<>());
    synchronized (times) {
      times.addLast(at);
    }
  }

  /**
   * A crash loop: at least {@code count} tasks of the service stopped by themselves within the
   * window.
   */
  private Optional<String> restarts(Trigger.Restarts trigger, EcsEvent.TaskStateChange task) {
    Deque<Instant> times = stops.get(task.serviceArn());
    if (times == null || !SELF_INFLICTED.contains(task.stopCode().orElse(""))) {
      return Optional.empty();
    }
    Instant now = task.stoppedAt().orElse(task.time());
    synchronized (times) {
      Instant from = now.minus(trigger.within());
      long recent = times.stream().filter(t -> !t.isBefore(from) && !t.isAfter(now)).count();
      while (times.size() > 1000) {
        times.removeFirst();
      }
      return recent >= trigger.count()
          ? Optional.of(
              "%d tasks stopped within %s (crash loop)"
                  .formatted(recent, describe(trigger.within())))
          : Optional.empty();
    }
  }

  /** A failed deployment - but not Sherlock's own, which the reconciler handles without a loop. */
  private Optional<String> deploymentFailed(EcsEvent.DeploymentStateChange event) {
    if (!event.eventName().equals("SERVICE_DEPLOYMENT_FAILED")) {
      return Optional.empty();
    }
    boolean ours = sessions.activeOn(event.serviceArn()).stream().anyMatch(s -> !s.dryRun());
    return ours
        ? Optional.empty()
        : Optional.of("deployment %s failed: %s".formatted(event.deploymentId(), event.reason()));
  }

  private static String describe(Duration duration) {
    return dev.sherlock.policy.Durations.format(duration);
  }

  private static <V> Map<String, V> lru() {
    return java.util.Collections.synchronizedMap(
        new LinkedHashMap<>(256, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
            return size() > REMEMBERED;
          }
        });
  }
}
