package dev.sherlock.plan;

import dev.sherlock.aws.EcsGateway;
import dev.sherlock.overlay.TaskDefinitionOverlay;
import dev.sherlock.policy.DebugPolicy;
import dev.sherlock.source.Selection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * The {@link ClusterState} of the live account, read with describe and list calls only: the
 * services the policies select, the revisions they run (and their bases, for services running one
 * of Sherlock's overlay revisions), and the ECS scalable targets.
 */
public final class LiveState {
  private LiveState() {}

  public static ClusterState read(
      EcsGateway ecs, ApplicationAutoScalingClient autoScaling, List<DebugPolicy> policies) {
    List<Service> services = new ArrayList<>();
    Map<String, DescribeTaskDefinitionResponse> revisions = new LinkedHashMap<>();
    for (Service service : Selection.servicesOfWatchedClusters(ecs, policies)) {
      if (!Selection.selects(policies, service)) {
        continue;
      }
      services.add(service);
      DescribeTaskDefinitionResponse running = ecs.taskDefinition(service.taskDefinition());
      revisions.put(running.taskDefinition().taskDefinitionArn(), running);
      TaskDefinitionOverlay.tag(running, TaskDefinitionOverlay.TAG_BASE)
          .ifPresent(base -> revisions.putIfAbsent(base, ecs.taskDefinition(base)));
    }
    List<ScalableTarget> targets = new ArrayList<>();
    autoScaling
        .describeScalableTargetsPaginator(b -> b.serviceNamespace(ServiceNamespace.ECS))
        .scalableTargets()
        .forEach(targets::add);
    return new ClusterState(services, List.copyOf(revisions.values()), targets);
  }
}
