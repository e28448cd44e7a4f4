package dev.sherlock.sandbox.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Time passing in ECS: tasks take their lifecycle steps, and each service's scheduler runs its
 * rolling deployment - start tasks of the PRIMARY deployment within maximumPercent, stop tasks of
 * older ones while minimumHealthyPercent holds, complete, or fail and (with the circuit breaker's
 * rollback) return to the last deployment that completed.
 */
final class EcsScheduler {
  static final Duration STEP = Duration.ofSeconds(1);
  static final Duration PROVISIONING = Duration.ofSeconds(2);
  static final Duration PULLING = Duration.ofSeconds(3);
  static final Duration STOPPING_STEP = Duration.ofSeconds(1);
  static final Duration DEFAULT_HEALTH_GRACE = Duration.ofSeconds(5);

  /** Stopped tasks stay visible for an hour, as AWS promises at least. */
  static final Duration STOPPED_RETENTION = Duration.ofHours(1);

  private final EcsState state;
  private final EcsEvents events;
  private final Workload workload;

  EcsScheduler(EcsState state, EcsEvents events, Workload workload) {
    this.state = state;
    this.events = events;
    this.workload = workload;
  }

  /** Brings every task and service to {@code now}. */
  void advance(Instant now) {
    for (EcsTask task : List.copyOf(state.tasks.values())) {
      stepTask(task, now);
    }
    for (Cluster cluster : state.clusters.values()) {
      for (EcsServiceState service : cluster.services.values()) {
        schedule(service, now);
      }
    }
    state.removeTasksIf(t -> t.isStopped() && t.stoppedAt.plus(STOPPED_RETENTION).isBefore(now));
  }

  // ---------------------------------------------------------------- tasks

  EcsTask launch(
      Cluster cluster,
      TaskDefinitionStore.Revision definition,
      String group,
      String startedBy,
      String launchType,
      boolean enableExecuteCommand,
      Instant now) {
    String id = state.taskId();
    EcsTask task =
        new EcsTask(
            id,
            state.arns.task(cluster.name, id),
            cluster.name,
            cluster.arn,
            definition,
            group,
            startedBy,
            launchType,
            state.privateIp(),
            enableExecuteCommand,
            now);
    for (JsonNode c : definition.containers()) {
      Map<String, String> environment = new LinkedHashMap<>();
      c.path("environment")
          .forEach(kv -> environment.put(kv.path("name").asText(), kv.path("value").asText()));
      task.containers.add(
          new EcsTask.Container(
              c.path("name").asText(),
              state.arns.container(cluster.name, id, state.uuid()),
              c.path("image").asText(),
              c.path("essential").asBoolean(true),
              environment,
              c.has("healthCheck")));
    }
    task.nextStepAt = now.plus(PROVISIONING);
    state.add(task);
    events.taskStateChange(task);
    return task;
  }

  /** Asks a task to stop; it walks DEACTIVATING, STOPPING, DEPROVISIONING to STOPPED. */
  void stop(EcsTask task, String stopCode, String reason, Instant now) {
    if (!task.desiredStatus.equals("RUNNING")) {
      return;
    }
    task.desiredStatus = "STOPPED";
    task.stopCode = stopCode;
    task.stoppedReason = reason;
    task.stoppingAt = now;
    if (task.lastStatus.equals("PROVISIONING") || task.lastStatus.equals("PENDING")) {
      transition(task, "DEPROVISIONING", now);
    } else {
      transition(task, "DEACTIVATING", now);
    }
    task.nextStepAt = now.plus(STOPPING_STEP);
  }

  private void stepTask(EcsTask task, Instant now) {
    while (!task.isStopped() && task.nextStepAt != null && !task.nextStepAt.isAfter(now)) {
      Instant at = task.nextStepAt;
      switch (task.lastStatus) {
        case "PROVISIONING" -> {
          task.pullStartedAt = at;
          transition(task, "PENDING", at);
          task.nextStepAt = at.plus(PULLING);
        }
        case "PENDING" -> {
          Optional<EcsTask.Container> unpullable =
              task.containers.stream().filter(c -> !workload.canPull(c.image)).findFirst();
          if (unpullable.isPresent()) {
            String reason =
                "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref %s: not found"
                    .formatted(qualified(unpullable.get().image));
            unpullable.get().reason = reason;
            task.desiredStatus = "STOPPED";
            task.stopCode = "TaskFailedToStart";
            task.stoppedReason = reason;
            task.stoppingAt = at;
            task.containers.forEach(c -> c.lastStatus = "STOPPED");
            transition(task, "DEPROVISIONING", at);
            task.nextStepAt = at.plus(STOPPING_STEP);
          } else {
            task.pullStoppedAt = at;
            task.startedAt = at;
            task.containers.forEach(c -> c.lastStatus = "RUNNING");
            workload.started(task, at);
            transition(task, "RUNNING", at);
            task.nextStepAt =
                task.containers.stream().anyMatch(c -> c.hasHealthCheck)
                    ? at.plus(healthGrace(task))
                    : null;
          }
        }
        case "RUNNING" -> {
          // the health check's first passing result
          task.containers.stream()
              .filter(c -> c.hasHealthCheck)
              .forEach(c -> c.healthStatus = "HEALTHY");
          task.healthStatus = "HEALTHY";
          task.updatedAt = at;
          task.nextStepAt = null;
        }
        case "DEACTIVATING" -> {
          transition(task, "STOPPING", at);
          task.nextStepAt = at.plus(STOPPING_STEP);
        }
        case "STOPPING" -> {
          task.containers.forEach(
              c -> {
                if (!c.lastStatus.equals("STOPPED")) {
                  c.lastStatus = "STOPPED";
                  c.exitCode = c.exitCode == null ? 0 : c.exitCode;
                }
              });
          transition(task, "DEPROVISIONING", at);
          task.nextStepAt = at.plus(STOPPING_STEP);
        }
        case "DEPROVISIONING" -> {
          task.stoppedAt = at;
          task.containers.forEach(c -> c.lastStatus = "STOPPED");
          if (task.startedAt != null) {
            workload.stopped(task, at);
          }
          transition(task, "STOPPED", at);
          task.nextStepAt = null;
          countFailure(task, at);
        }
        default -> task.nextStepAt = null;
      }
    }
    if (task.isRunning() && task.desiredStatus.equals("RUNNING")) {
      workload.exited(task, now).ifPresent(exit -> containerExited(task, exit, now));
    }
  }

  private void containerExited(EcsTask task, Workload.Exit exit, Instant now) {
    task.containers.stream()
        .filter(c -> c.name.equals(exit.container()))
        .forEach(
            c -> {
              c.lastStatus = "STOPPED";
              c.exitCode = exit.exitCode();
              c.reason = exit.reason();
            });
    boolean essential =
        task.containers.stream().anyMatch(c -> c.name.equals(exit.container()) && c.essential);
    if (essential) {
      task.desiredStatus = "STOPPED";
      task.stopCode = "EssentialContainerExited";
      task.stoppedReason = "Essential container in task exited";
      task.stoppingAt = now;
      transition(task, "STOPPING", now);
      task.nextStepAt = now.plus(STOPPING_STEP);
    } else {
      task.updatedAt = now;
      task.version++;
      events.taskStateChange(task);
    }
  }

  private void transition(EcsTask task, String status, Instant now) {
    task.lastStatus = status;
    task.updatedAt = now;
    task.version++;
    events.taskStateChange(task);
  }

  private static Duration healthGrace(EcsTask task) {
    int startPeriod = 0;
    for (JsonNode c : task.taskDefinition.path("containerDefinitions")) {
      startPeriod = Math.max(startPeriod, c.path("healthCheck").path("startPeriod").asInt(0));
    }
    return startPeriod > 0 ? Duration.ofSeconds(startPeriod) : DEFAULT_HEALTH_GRACE;
  }

  private static String qualified(String image) {
    String withTag = image.contains(":") && !image.endsWith("]") ? image : image + ":latest";
    return withTag.contains("/") && withTag.substring(0, withTag.indexOf('/')).contains(".")
        ? withTag
        : "docker.io/" + (withTag.contains("/") ? "" : "library/") + withTag;
  }

  // ---------------------------------------------------------------- services

  /** A task of a deployment failed to start or died before it was healthy: circuit-breaker food. */
  private void countFailure(EcsTask task, Instant now) {
    if (task.serviceName().isEmpty() || task.startedBy == null) {
      return;
    }
    boolean failed =
        "TaskFailedToStart".equals(task.stopCode)
            || ("EssentialContainerExited".equals(task.stopCode)
                && !"HEALTHY".equals(task.healthStatus)
                && hasHealthCheck(task));
    if (!failed) {
      return;
    }
    Cluster cluster = state.clusters.get(task.clusterName);
    EcsServiceState service =
        cluster == null ? null : cluster.services.get(task.serviceName().get());
    if (service == null) {
      return;
    }
    service.deployments.stream()
        .filter(d -> d.id.equals(task.startedBy))
        .findFirst()
        .ifPresent(
            d -> {
              d.failedTasks++;
              d.updatedAt = now;
            });
  }

  private static boolean hasHealthCheck(EcsTask task) {
    return task.containers.stream().anyMatch(c -> c.hasHealthCheck);
  }

  /**
   * Brings one service's tasks in line with its deployments, as ECS's scheduler does on a change to
   * the service: a call that changes one service schedules that one, not the whole world.
   */
  void schedule(EcsServiceState service, Instant now) {
    if (service.deployments.isEmpty()) {
      return;
    }
    List<EcsTask> live = new ArrayList<>();
    for (EcsTask task : state.tasksOf(service)) {
      if (task.desiredStatus.equals("RUNNING")) {
        live.add(task);
      }
    }
    count(service, live);
    if (service.status.equals("DRAINING")) {
      String reason =
          "Scaling activity initiated by (deployment %s)".formatted(service.primary().id);
      live.forEach(t -> stop(t, "ServiceSchedulerInitiated", reason, now));
      count(service, List.of());
      return;
    }
    checkCircuitBreaker(service, service.primary(), now);
    Deployment primary = service.primary();
    int desired = service.desiredCount;
    primary.desiredCount = desired;

    boolean launching = !(primary.rolloutState.equals("FAILED"));
    if (launching) {
      int maxTotal = desired * service.maximumPercent / 100;
      int primaryCount = (int) live.stream().filter(t -> primary.id.equals(t.startedBy)).count();
      int toLaunch = Math.min(desired - primaryCount, Math.max(0, maxTotal - live.size()));
      if (toLaunch > 0) {
        TaskDefinitionStore.Revision definition =
            state.taskDefinitions.byArn(primary.taskDefinitionArn).orElseThrow();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < toLaunch; i++) {
          EcsTask task =
              launch(
                  service.cluster,
                  definition,
                  "service:" + service.name,
                  primary.id,
                  service.launchType,
                  service.enableExecuteCommand,
                  now);
          live.add(task);
          ids.add(task.id);
        }
        service.addEvent(
            "(service %s) has started %d tasks: %s."
                .formatted(service.name, ids.size(), taskList(ids)),
            now);
        service.steadyStateReported = false;
      }
    }

    int minHealthy = (int) Math.ceil(desired * service.minimumHealthyPercent / 100.0);
    int healthy = (int) live.stream().filter(EcsTask::isHealthyRunning).count();
    List<String> stopped = new ArrayList<>();
    String reason = "Scaling activity initiated by (deployment %s)".formatted(primary.id);
    // Old deployments give way: pending tasks at once, running ones while enough stay healthy.
    for (EcsTask task : List.copyOf(live)) {
      if (primary.id.equals(task.startedBy)) {
        continue;
      }
      boolean healthyOne = task.isHealthyRunning();
      if (!healthyOne || healthy - 1 >= minHealthy) {
        stop(task, "ServiceSchedulerInitiated", reason, now);
        live.remove(task);
        stopped.add(task.id);
        if (healthyOne) {
          healthy--;
        }
      }
    }
    // Scale-in: the newest tasks of the primary go first.
    List<EcsTask> primaryTasks =
        new ArrayList<>(live.stream().filter(t -> primary.id.equals(t.startedBy)).toList());
    for (int i = primaryTasks.size() - 1; i >= 0 && primaryTasks.size() > desired; i--) {
      EcsTask extra = primaryTasks.remove(i);
      stop(extra, "ServiceSchedulerInitiated", reason, now);
      live.remove(extra);
      stopped.add(extra.id);
    }
    if (!stopped.isEmpty()) {
      service.addEvent(
          "(service %s) has stopped %d running tasks: %s."
              .formatted(service.name, stopped.size(), taskList(stopped)),
          now);
    }
    count(service, live);
    retireDrainedDeployments(service, now);
    completeRollout(service, now);
  }

  private void count(EcsServiceState service, List<EcsTask> live) {
    for (Deployment d : service.deployments) {
      d.runningCount =
          (int) live.stream().filter(t -> d.id.equals(t.startedBy) && t.isRunning()).count();
      d.pendingCount =
          (int)
              live.stream()
                  .filter(
                      t ->
                          d.id.equals(t.startedBy)
                              && (t.lastStatus.equals("PROVISIONING")
                                  || t.lastStatus.equals("PENDING")))
                  .count();
    }
  }

  private void retireDrainedDeployments(EcsServiceState service, Instant now) {
    Iterator<Deployment> it = service.deployments.iterator();
    it.next(); // the primary stays
    while (it.hasNext()) {
      Deployment old = it.next();
      boolean anyLeft =
          state.tasksOf(service).stream()
              .anyMatch(t -> old.id.equals(t.startedBy) && !t.isStopped());
      if (!anyLeft) {
        old.status = "INACTIVE";
        old.updatedAt = now;
        it.remove();
      }
    }
  }

  private void completeRollout(EcsServiceState service, Instant now) {
    Deployment primary = service.primary();
    boolean settled =
        service.deployments.size() == 1
            && primary.runningCount == service.desiredCount
            && primary.pendingCount == 0
            && state.tasksOf(service).stream()
                .filter(t -> primary.id.equals(t.startedBy) && t.desiredStatus.equals("RUNNING"))
                .allMatch(EcsTask::isHealthyRunning);
    if (!settled) {
      return;
    }
    if (primary.rolloutState.equals("IN_PROGRESS")) {
      primary.rolloutState = "COMPLETED";
      primary.rolloutStateReason = "ECS deployment %s completed.".formatted(primary.id);
      primary.updatedAt = now;
      service.lastCompletedTaskDefinition = Optional.of(primary.taskDefinitionArn);
      service.addEvent(
          "(service %s) (deployment %s) deployment completed.".formatted(service.name, primary.id),
          now);
      events.deploymentStateChange(
          service,
          primary,
          "INFO",
          "SERVICE_DEPLOYMENT_COMPLETED",
          primary.rolloutStateReason,
          now);
    }
    if (!service.steadyStateReported && primary.rolloutState.equals("COMPLETED")) {
      service.steadyStateReported = true;
      service.addEvent("(service %s) has reached a steady state.".formatted(service.name), now);
      events.serviceAction(service, "INFO", "SERVICE_STEADY_STATE", now);
    }
  }

  private void checkCircuitBreaker(EcsServiceState service, Deployment primary, Instant now) {
    if (!primary.rolloutState.equals("IN_PROGRESS")) {
      return;
    }
    int threshold = Math.max(3, Math.min(200, (int) Math.ceil(service.desiredCount * 0.5)));
    if (primary.failedTasks < threshold) {
      if (primary.failedTasks > 0
          && primary.failedTasks == threshold - 1
          && !service.circuitBreakerEnabled) {
        events.serviceAction(service, "WARN", "SERVICE_TASK_START_IMPAIRED", now);
      }
      return;
    }
    if (!service.circuitBreakerEnabled) {
      return; // without the breaker ECS keeps trying, as it does
    }
    primary.rolloutState = "FAILED";
    primary.rolloutStateReason = "ECS deployment circuit breaker: tasks failed to start.";
    primary.updatedAt = now;
    service.addEvent(
        "(service %s) (deployment %s) deployment failed: tasks failed to start."
            .formatted(service.name, primary.id),
        now);
    events.deploymentStateChange(
        service, primary, "ERROR", "SERVICE_DEPLOYMENT_FAILED", primary.rolloutStateReason, now);
    if (service.circuitBreakerRollback && service.lastCompletedTaskDefinition.isPresent()) {
      String target = service.lastCompletedTaskDefinition.get();
      Deployment rollback =
          new Deployment(
              state.deploymentId(), target, service.desiredCount, service.launchType, now);
      rollback.rolloutStateReason =
          "ECS deployment circuit breaker: rolling back to deploymentId %s.".formatted(primary.id);
      primary.status = "ACTIVE";
      service.deployments.addFirst(rollback);
      service.taskDefinitionArn = target;
      service.steadyStateReported = false;
      service.addEvent(
          "(service %s) rolling back to deployment %s.".formatted(service.name, rollback.id), now);
      events.deploymentStateChange(
          service,
          rollback,
          "INFO",
          "SERVICE_DEPLOYMENT_IN_PROGRESS",
          rollback.rolloutStateReason,
          now);
    }
  }

  private static String taskList(List<String> ids) {
    StringBuilder out = new StringBuilder();
    for (String id : ids) {
      out.append(out.isEmpty() ? "" : " ").append("(task ").append(id).append(")");
    }
    return out.toString();
  }
}
