package dev.sherlock.source;

import dev.sherlock.aws.EcsGateway;
import dev.sherlock.policy.DebugPolicy;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.ecs.model.Service;

/** Which clusters and services a set of policies watches. */
public final class Selection {
  private Selection() {}

  public static boolean watchesCluster(List<DebugPolicy> policies, String clusterArn) {
    return policies.stream()
        .anyMatch(p -> p.spec().target().cluster().matchesNameOrArn(clusterArn));
  }

  public static boolean selects(List<DebugPolicy> policies, Service service) {
    return policies.stream()
        .anyMatch(
            p ->
                p.spec()
                    .target()
                    .selects(
                        service.clusterArn(), service.serviceName(), ServiceCache.tags(service)));
  }

  /** Every service (with its tags) of every cluster a policy names: the universe of a resync. */
  public static List<Service> servicesOfWatchedClusters(
      EcsGateway ecs, List<DebugPolicy> policies) {
    List<Service> services = new ArrayList<>();
    for (String clusterArn : ecs.listClusters()) {
      if (watchesCluster(policies, clusterArn)) {
        String cluster = clusterArn.substring(clusterArn.lastIndexOf('/') + 1);
        services.addAll(ecs.describeServices(cluster, ecs.listServices(cluster)).values());
      }
    }
    return services;
  }
}
