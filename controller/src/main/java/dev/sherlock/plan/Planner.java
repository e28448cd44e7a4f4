package dev.sherlock.plan;

import dev.sherlock.overlay.Overlay;
import dev.sherlock.overlay.TaskDefinitionDiff;
import dev.sherlock.overlay.TaskDefinitionOverlay;
import dev.sherlock.plan.Plan.ServiceChange;
import dev.sherlock.plan.Plan.ServicePlan;
import dev.sherlock.plan.Plan.SessionPlan;
import dev.sherlock.policy.Action;
import dev.sherlock.policy.DebugPolicy;
import dev.sherlock.policy.DebugSession;
import dev.sherlock.policy.load.PolicySet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Tag;

/**
 * Works out, without touching AWS, what every session that the policies could open would change on
 * each service: the task-definition diff of the overlay revision and the service settings that
 * change. It uses the same overlay code as the controller, so the plan is what would happen.
 */
public final class Planner {

  public Plan plan(PolicySet policies, ClusterState state) {
    List<ServicePlan> services = new ArrayList<>();
    state.services().stream()
        .sorted(Comparator.comparing(Service::clusterArn).thenComparing(Service::serviceName))
        .forEach(service -> services.add(planService(policies, state, service)));
    return new Plan(services);
  }

  private ServicePlan planService(PolicySet policies, ClusterState state, Service service) {
    String cluster = clusterName(service.clusterArn());
    List<String> problems = new ArrayList<>();
    Optional<DescribeTaskDefinitionResponse> base = baseOf(state, service, problems);
    List<SessionPlan> sessions = new ArrayList<>();
    for (DebugPolicy policy : policies.policies()) {
      if (policy
          .spec()
          .target()
          .selects(service.clusterArn(), service.serviceName(), ClusterState.tagsOf(service))) {
        sessions.add(
            planSession(
                policy,
                Optional.empty(),
                policy.spec().session().duration(),
                service,
                base,
                state));
      }
    }
    for (DebugSession session : policies.sessions()) {
      var target = session.spec().target();
      if (target.cluster().equals(cluster) && target.service().equals(service.serviceName())) {
        DebugPolicy policy = policies.policy(session.spec().policy()).orElseThrow();
        Duration duration = session.spec().duration().orElse(policy.spec().session().duration());
        sessions.add(
            planSession(policy, Optional.of(session.name()), duration, service, base, state));
      }
    }
    String revision =
        base.map(d -> TaskDefinitionOverlay.revisionOf(d.taskDefinition()))
            .orElse(service.taskDefinition());
    return new ServicePlan(
        cluster,
        service.serviceName(),
        revision,
        service.desiredCount() == null ? 0 : service.desiredCount(),
        sessions,
        problems);
  }

  /**
   * The revision the service's own configuration lives in: the one it runs, or - if it runs one of
   * Sherlock's overlay revisions - the base that revision names in its tags.
   */
  private static Optional<DescribeTaskDefinitionResponse> baseOf(
      ClusterState state, Service service, List<String> problems) {
    Optional<DescribeTaskDefinitionResponse> running =
        state.taskDefinition(service.taskDefinition());
    if (running.isEmpty()) {
      problems.add(
          "task definition %s is not in the state file; no diff can be shown"
              .formatted(service.taskDefinition()));
      return Optional.empty();
    }
    Optional<String> baseArn =
        running.get().tags().stream()
            .filter(t -> TaskDefinitionOverlay.TAG_BASE.equals(t.key()))
            .map(Tag::value)
            .findFirst();
    if (baseArn.isEmpty()) {
      return running;
    }
    Optional<DescribeTaskDefinitionResponse> base = state.taskDefinition(baseArn.get());
    if (base.isEmpty()) {
      problems.add(
          "the service runs Sherlock's overlay revision of base %s, which is not in the state file"
              .formatted(baseArn.get()));
    }
    return base;
  }

  private static SessionPlan planSession(
      DebugPolicy policy,
      Optional<String> declaredBy,
      Duration duration,
      Service service,
      Optional<DescribeTaskDefinitionResponse> base,
      ClusterState state) {
    Overlay overlay = Overlay.of(policy.spec().actions());
    List<TaskDefinitionDiff.Change> taskDefinition = List.of();
    List<String> problems = new ArrayList<>();
    Optional<String> newRevisionOf = Optional.empty();
    if (overlay.changesTaskDefinition() && base.isPresent()) {
      var definition = base.get().taskDefinition();
      var result =
          TaskDefinitionOverlay.apply(
              definition,
              base.get().tags(),
              overlay,
              TaskDefinitionOverlay.Ownership.of(sessionName(policy, declaredBy)));
      problems.addAll(result.problems());
      taskDefinition =
          TaskDefinitionDiff.between(
              TaskDefinitionOverlay.asRegistration(definition, base.get().tags()),
              result.request());
      newRevisionOf = Optional.of(TaskDefinitionOverlay.revisionOf(definition));
    }
    List<ServiceChange> serviceChanges = new ArrayList<>();
    newRevisionOf.ifPresent(
        revision ->
            serviceChanges.add(
                new ServiceChange(
                    "taskDefinition", revision, "the new revision (rolling deployment)")));
    if (overlay.executeCommand() && !Boolean.TRUE.equals(service.enableExecuteCommand())) {
      serviceChanges.add(new ServiceChange("enableExecuteCommand", "false", "true"));
    }
    overlay
        .minCapacity()
        .ifPresent(min -> serviceChanges.addAll(capacityChanges(service, state, min)));
    Action.EnableContainerInsights.mostAskedBy(policy.spec().actions())
        .ifPresent(
            level ->
                serviceChanges.add(
                    new ServiceChange(
                        "cluster %s containerInsights"
                            .formatted(
                                dev.sherlock.reconcile.ServiceArns.cluster(service.serviceArn())),
                        "as it is",
                        "at least %s, back once no session on the cluster needs it"
                            .formatted(level))));
    List<String> snapshot =
        policy.spec().actions().stream()
            .flatMap(
                a ->
                    switch (a) {
                      case Action.CaptureSnapshot s -> s.include().stream();
                      case Action.CaptureStatusPage p ->
                          java.util.stream.Stream.of(
                              "status page GET :%d%s".formatted(p.port(), p.path()));
                      default -> java.util.stream.Stream.<String>empty();
                    })
            .distinct()
            .toList();
    return new SessionPlan(
        policy,
        declaredBy,
        policy.spec().mode(),
        duration,
        newRevisionOf,
        taskDefinition,
        serviceChanges,
        snapshot,
        problems);
  }

  /**
   * With an Application Auto Scaling target the floor is its minimum capacity (the maximum rises
   * too if it is lower); without one, the service's desired count.
   */
  private static List<ServiceChange> capacityChanges(Service service, ClusterState state, int min) {
    var target = state.scalableTarget(clusterName(service.clusterArn()), service.serviceName());
    List<ServiceChange> changes = new ArrayList<>();
    if (target.isPresent()) {
      int currentMin = target.get().minCapacity();
      int currentMax = target.get().maxCapacity();
      if (currentMin < min) {
        changes.add(
            new ServiceChange(
                "scalable target minCapacity", String.valueOf(currentMin), String.valueOf(min)));
      }
      if (currentMax < min) {
        changes.add(
            new ServiceChange(
                "scalable target maxCapacity", String.valueOf(currentMax), String.valueOf(min)));
      }
    } else {
      int desired = service.desiredCount() == null ? 0 : service.desiredCount();
      if (desired < min) {
        changes.add(
            new ServiceChange("desiredCount", String.valueOf(desired), String.valueOf(min)));
      }
    }
    return changes;
  }

  private static String sessionName(DebugPolicy policy, Optional<String> declaredBy) {
    return declaredBy.orElse(policy.name());
  }

  static String clusterName(String clusterArn) {
    return clusterArn == null ? "" : clusterArn.substring(clusterArn.lastIndexOf('/') + 1);
  }
}
