package dev.sherlock.sandbox.ecs;

/** ECS resource names exactly as AWS writes them (the long ARN format). */
public record Arns(String region, String account) {
  public String cluster(String name) {
    return "arn:aws:ecs:%s:%s:cluster/%s".formatted(region, account, name);
  }

  public String service(String cluster, String name) {
    return "arn:aws:ecs:%s:%s:service/%s/%s".formatted(region, account, cluster, name);
  }

  public String task(String cluster, String id) {
    return "arn:aws:ecs:%s:%s:task/%s/%s".formatted(region, account, cluster, id);
  }

  public String container(String cluster, String taskId, String id) {
    return "arn:aws:ecs:%s:%s:container/%s/%s/%s".formatted(region, account, cluster, taskId, id);
  }

  public String taskDefinition(String family, int revision) {
    return "arn:aws:ecs:%s:%s:task-definition/%s:%d".formatted(region, account, family, revision);
  }

  /** The last path segment of an ARN, or the text itself when it is a plain name. */
  public static String name(String nameOrArn) {
    return nameOrArn.startsWith("arn:")
        ? nameOrArn.substring(nameOrArn.lastIndexOf('/') + 1)
        : nameOrArn;
  }
}
