package dev.sherlock.controller;

import dev.sherlock.aws.EcsGateway;
import dev.sherlock.reconcile.ServiceArns;
import dev.sherlock.reconcile.ServiceReconciler;
import dev.sherlock.session.ManagedRevision;
import dev.sherlock.session.Session;
import dev.sherlock.session.Sessions;
import dev.sherlock.source.ServiceCache;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * The first step of an uninstall ({@code sherlock drain}): Sherlock opens no more sessions, ends
 * every open one, and tells, service by service, what still keeps each from its base - asked of
 * ECS, not of memory, since the base is what ECS runs once every rollout is done.
 */
@Singleton
public final class Drain {
  /** How far the drain has come. */
  public record Status(boolean draining, int openSessions, List<ServiceStatus> services) {
    /** Every session ended and every service Sherlock touched back on its base. */
    public boolean drained() {
      return draining && openSessions == 0 && services.stream().allMatch(ServiceStatus::onBase);
    }
  }

  /** One service Sherlock had sessions on, and what it still waits for (nothing: on its base). */
  public record ServiceStatus(String cluster, String service, List<String> waitingFor) {
    public boolean onBase() {
      return waitingFor.isEmpty();
    }
  }

  private final Sessions sessions;
  private final EcsGateway ecs;
  private final ServiceReconciler reconciler;

  public Drain(Sessions sessions, EcsGateway ecs, ServiceReconciler reconciler) {
    this.sessions = sessions;
    this.ecs = ecs;
    this.reconciler = reconciler;
  }

  /** Starts draining (again, harmlessly) and returns the sessions it ended. */
  public List<Session> start() {
    return sessions.drain();
  }

  /** Asks ECS, ten services a call, cluster by cluster, as the resync does. */
  public Status status() {
    Map<String, List<String>> byCluster = new LinkedHashMap<>();
    for (String arn : sessions.touched()) {
      byCluster.computeIfAbsent(ServiceArns.cluster(arn), c -> new ArrayList<>()).add(arn);
    }
    List<ServiceStatus> services = new ArrayList<>();
    byCluster.forEach(
        (cluster, arns) -> {
          Map<String, Service> described;
          try {
            described = ecs.describeServices(cluster, arns);
          } catch (ClusterNotFoundException e) {
            return; // a cluster deleted meanwhile has nothing left to put back
          }
          // A service deleted meanwhile has nothing left to put back either.
          described.values().stream()
              .filter(service -> !"INACTIVE".equals(service.status()))
              .forEach(
                  service ->
                      services.add(
                          new ServiceStatus(cluster, service.serviceName(), waitingFor(service))));
        });
    return new Status(sessions.draining(), sessions.active().size(), services);
  }

  private List<String> waitingFor(Service service) {
    String arn = service.serviceArn();
    List<String> waiting = new ArrayList<>();
    sessions
        .activeOn(arn)
        .forEach(s -> waiting.add("session %s of %s is open".formatted(s.id(), s.policy())));
    Optional<ManagedRevision> own = reconciler.ownRevision(service);
    if (own.isPresent()) {
      waiting.add(
          "runs Sherlock's revision %s, not its base %s"
              .formatted(revision(service.taskDefinition()), revision(own.get().base())));
    } else if (!sessions.revisionsOf(arn).isEmpty()) {
      // Deregistered once no deployment runs them: an uninstall leaves no revision of Sherlock's.
      waiting.add("Sherlock's revisions of it are still registered");
    }
    if (sessions.capacity(service.serviceArn()).isPresent()) {
      waiting.add("its capacity is not restored yet");
    }
    if (sessions.execBefore(service.serviceArn()).isPresent()) {
      waiting.add("ECS Exec is not restored yet");
    }
    if (service.deployments().size() > 1) {
      waiting.add("a rollout is in progress");
    }
    if (ServiceCache.tags(service).keySet().stream().anyMatch(k -> k.startsWith("sherlock:"))) {
      waiting.add("Sherlock's tags are still on it");
    }
    return waiting;
  }

  /** "like-service:7" of a task definition ARN. */
  private static String revision(String taskDefinitionArn) {
    return taskDefinitionArn.substring(taskDefinitionArn.lastIndexOf('/') + 1);
  }
}
