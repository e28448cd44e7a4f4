package dev.sherlock.plan;

import dev.sherlock.aws.EcsGateway;
import dev.sherlock.overlay.TaskDefinitionOverlay;
import dev.sherlock.policy.DebugPolicy;
import dev.sherlock.source.ServiceCache;
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
    for (String clusterArn : ecs.listClusters()) {
      if (policies.stream()
          .noneMatch(p -> p.spec().target().cluster().matchesNameOrArn(clusterArn))) {
        continue;
      }
      String cluster = clusterArn.substring(clusterArn.lastIndexOf('/') + 1);
      for (Service service : ecs.describeServices(cluster, ecs.listServices(cluster)).values()) {
        boolean selected =
            policies.stream()
                .anyMatch(
                    p ->
                        p.spec()
                            .target()
                            .selects(
                                service.clusterArn(),
                                service.serviceName(),
                                ServiceCache.tags(service)));
        if (!selected) {
          continue;
        }
        services.add(service);
        DescribeTaskDefinitionResponse running = ecs.taskDefinition(service.taskDefinition());
        revisions.put(running.taskDefinition().taskDefinitionArn(), running);
        running.tags().stream()
            .filter(t -> t.key().equals(TaskDefinitionOverlay.TAG_BASE))
            .findFirst()
            .ifPresent(t -> revisions.putIfAbsent(t.value(), ecs.taskDefinition(t.value())));
      }
    }
    List<ScalableTarget> targets = new ArrayList<>();
    autoScaling
        .describeScalableTargetsPaginator(b -> b.serviceNamespace(ServiceNamespace.ECS))
        .scalableTargets()
        .forEach(targets::add);
    return new ClusterState(services, List.copyOf(revisions.values()), targets);
  }
}
