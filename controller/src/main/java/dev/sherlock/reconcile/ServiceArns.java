package dev.sherlock.reconcile;

/** Pieces of ECS service ARNs ({@code arn:aws:ecs:region:account:service/cluster/name}). */
public final class ServiceArns {
  private ServiceArns() {}

  public static String cluster(String serviceArn) {
    String path = serviceArn.substring(serviceArn.indexOf(":service/") + ":service/".length());
    return path.substring(0, path.indexOf('/'));
  }

  public static String name(String serviceArn) {
    return serviceArn.substring(serviceArn.lastIndexOf('/') + 1);
  }

  public static String clusterArn(String serviceArn) {
    return serviceArn.substring(0, serviceArn.indexOf(":service/"))
        + ":cluster/"
        + cluster(serviceArn);
  }
}
