package dev.sherlock.sandbox.ecs;

import dev.sherlock.sandbox.http.AwsException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Everything ECS holds: clusters, task definitions, tasks; ids drawn from one seeded source. */
final class EcsState {
  final Arns arns;
  final TaskDefinitionStore taskDefinitions;
  final Map<String, Cluster> clusters = new LinkedHashMap<>();
  final Map<String, EcsTask> tasks = new LinkedHashMap<>();

  /**
   * The tasks of each service (cluster ARN and group), in step with {@link #tasks}: the scheduler
   * asks for a service's tasks on every step, and a fleet of 10,000 services with 100,000 tasks
   * cannot be scanned whole each time.
   */
  private final Map<String, List<EcsTask>> tasksByGroup = new java.util.HashMap<>();

  final Random random;
  private int nextIp = 10;

  EcsState(Arns arns, long seed) {
    this.arns = arns;
    this.taskDefinitions = new TaskDefinitionStore(arns);
    this.random = new Random(seed);
  }

  Cluster cluster(String nameOrArn) {
    String name = Arns.name(nameOrArn == null || nameOrArn.isEmpty() ? "default" : nameOrArn);
    Cluster cluster = clusters.get(name);
    if (cluster == null || !cluster.status.equals("ACTIVE")) {
      throw AwsException.client("ClusterNotFoundException", "Cluster not found.");
    }
    return cluster;
  }

  EcsServiceState service(Cluster cluster, String nameOrArn) {
    EcsServiceState service = cluster.services.get(Arns.name(nameOrArn));
    if (service == null) {
      throw AwsException.client("ServiceNotFoundException", "Service not found.");
    }
    return service;
  }

  List<EcsTask> tasksOf(EcsServiceState service) {
    return List.copyOf(
        tasksByGroup.getOrDefault(
            groupKey(service.cluster.arn, "service:" + service.name), List.of()));
  }

  void add(EcsTask task) {
    tasks.put(task.arn, task);
    tasksByGroup
        .computeIfAbsent(groupKey(task.clusterArn, task.group), k -> new ArrayList<>())
        .add(task);
  }

  /** Forgets the tasks that match (stopped ones past their retention). */
  void removeTasksIf(java.util.function.Predicate<EcsTask> gone) {
    tasks.values().removeIf(gone);
    tasksByGroup.values().forEach(list -> list.removeIf(gone));
    tasksByGroup.values().removeIf(List::isEmpty);
  }

  private static String groupKey(String clusterArn, String group) {
    return clusterArn + " " + group;
  }

  /** 32 lower-case hex digits, as ECS task ids are. */
  String taskId() {
    return "%016x%016x".formatted(random.nextLong(), random.nextLong());
  }

  String uuid() {
    return new java.util.UUID(random.nextLong(), random.nextLong()).toString();
  }

  /** {@code ecs-svc/} and 19 digits. */
  String deploymentId() {
    return "ecs-svc/"
        + (1_000_000_000_000_000_000L
            + Math.floorMod(random.nextLong(), 8_000_000_000_000_000_000L));
  }

  /** Private addresses of awsvpc tasks, from 10.0.0.0/16; each task gets its own. */
  String privateIp() {
    int n = nextIp++;
    return "10.0.%d.%d".formatted((n / 250) % 250, n % 250 + 2);
  }
}
