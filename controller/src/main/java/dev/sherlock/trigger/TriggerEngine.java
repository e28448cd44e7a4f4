package dev.sherlock.trigger;

import dev.sherlock.finding.FindingKind;
import dev.sherlock.finding.Findings;
import dev.sherlock.plan.PlanPrinter;
import dev.sherlock.policy.DebugPolicy;
import dev.sherlock.policy.Trigger;
import dev.sherlock.reconcile.ServiceArns;
import dev.sherlock.session.Session;
import dev.sherlock.session.Sessions;
import dev.sherlock.source.EcsEvent;
import dev.sherlock.source.ServiceCache;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * Matches ECS events against the event triggers of the policies that select the event's service:
 * {@code taskStopped}, {@code restarts} (a crash loop), {@code serviceEvent} and {@code
 * deploymentFailed}. A match is a {@code TriggerFired} finding and a request to open a session.
 *
 * <p>EventBridge delivers at least once and in no particular order, so an event id seen before is
 * ignored, and a task event older than the newest seen for that task ({@code detail.version}) is
 * stale: neither can fire anything twice.
 */
@Singleton
public final class TriggerEngine {
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

  public TriggerEngine(Sessions sessions, Findings findings, ServiceCache services) {
    this.sessions = sessions;
    this.findings = findings;
    this.services = services;
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

  /** Records an event as handled: its id, and for a task the version now known. */
  public synchronized void handled(EcsEvent event) {
    seenEvents.put(event.id(), Boolean.TRUE);
    if (event instanceof EcsEvent.TaskStateChange task) {
      taskVersions.put(task.taskArn(), task.version());
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
  public void evaluate(EcsEvent event, List<DebugPolicy> policies) {
    Optional<Service> service = Optional.empty();
    boolean recordedStop = false;
    for (DebugPolicy policy : policies) {
      for (Trigger trigger : policy.spec().triggers()) {
        if (!kindMatches(trigger, event)) {
          continue;
        }
        if (service.isEmpty()) {
          service = services.get(event.serviceArn());
          if (service.isEmpty()) {
            return; // the service is gone; nothing to debug
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
                  recordStop((EcsEvent.TaskStateChange) event);
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
          break; // one firing per policy and event
        }
      }
    }
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

  private void recordStop(EcsEvent.TaskStateChange task) {
    if (SELF_INFLICTED.contains(task.stopCode().orElse(""))) {
      Deque<Instant> times = stops.computeIfAbsent(task.serviceArn(), k -> new ArrayDeque<>());
      synchronized (times) {
        times.addLast(task.stoppedAt().orElse(task.time()));
      }
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
