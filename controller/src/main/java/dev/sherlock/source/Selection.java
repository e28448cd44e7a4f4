package dev.sherlock.source;

import dev.sherlock.aws.EcsGateway;
import dev.sherlock.aws.Parallel;
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

  /**
   * Every service (with its tags) of every cluster a policy names: the universe of a resync. Ten
   * per DescribeServices, those calls in parallel ({@link Parallel}).
   */
  public static List<Service> servicesOfWatchedClusters(
      EcsGateway ecs, List<DebugPolicy> policies) {
    return servicesOfWatchedClusters(ecs, policies, arn -> true);
  }

  /** The same, describing only the services {@code wanted} names (a replica's shards). */
  public static List<Service> servicesOfWatchedClusters(
      EcsGateway ecs, List<DebugPolicy> policies, java.util.function.Predicate<String> wanted) {
    record Batch(String cluster, List<String> arns) {}
    List<Batch> batches = new ArrayList<>();
    for (String clusterArn : ecs.listClusters()) {
      if (watchesCluster(policies, clusterArn)) {
        String cluster = clusterArn.substring(clusterArn.lastIndexOf('/') + 1);
        List<String> arns = ecs.listServices(cluster).stream().filter(wanted).toList();
        for (int i = 0; i < arns.size(); i += ServiceCache.PER_CALL) {
          batches.add(
              new Batch(
                  cluster, arns.subList(i, Math.min(arns.size(), i + ServiceCache.PER_CALL))));
        }
      }
    }
    List<Service> services = new ArrayList<>();
    Parallel.map(batches, b -> ecs.describeServices(b.cluster(), b.arns()).values())
        .forEach(services::addAll);
    return services;
  }
}
