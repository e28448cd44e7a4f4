package dev.sherlock.sandbox.faults;

import java.util.List;
import java.util.Map;

/**
 * Amazon ECS's published request budgets (token buckets per account and Region: the bucket's size
 * is the burst, its refill the sustained rate per second), one bucket per group of actions as the
 * ECS documentation's "Request throttling" table groups them. The controller's default client
 * budgets start at these and learn from throttling ({@code SherlockConfigFactory.DEFAULT_BUDGETS}).
 */
public final class AwsBudgets {
  /** One group of ECS actions sharing one bucket. */
  public record Group(String name, FaultInjector.Budget budget, List<String> actions) {}

  public static final List<Group> ECS =
      List.of(
          group("cluster-read", 50, 20, "DescribeClusters", "ListClusters"),
          group("service-read", 100, 20, "DescribeServices", "ListServices"),
          group("service-modify", 50, 5, "CreateService", "UpdateService", "DeleteService"),
          group(
              "taskdef-read",
              50,
              20,
              "DescribeTaskDefinition",
              "ListTaskDefinitions",
              "ListTaskDefinitionFamilies"),
          group("taskdef-modify", 20, 1, "RegisterTaskDefinition", "DeregisterTaskDefinition"),
          group("task-read", 100, 20, "DescribeTasks", "ListTasks"),
          group("task-modify", 100, 40, "RunTask", "StartTask", "StopTask"),
          group("tag", 20, 10, "TagResource", "UntagResource", "ListTagsForResource"));

  private AwsBudgets() {}

  /** Enforces every group's budget on the sandbox's ECS. */
  public static void enforce(FaultInjector faults) {
    for (Group group : ECS) {
      faults.budgetGroup(
          "ecs:" + group.name(),
          group.budget(),
          group.actions().stream().map(action -> "ecs." + action).toList());
    }
  }

  /** The published budget of one ECS action, for reports; absent when the table has none. */
  public static Map<String, FaultInjector.Budget> byAction() {
    java.util.Map<String, FaultInjector.Budget> byAction = new java.util.TreeMap<>();
    ECS.forEach(g -> g.actions().forEach(a -> byAction.put(a, g.budget())));
    return byAction;
  }

  private static Group group(String name, int burst, double perSecond, String... actions) {
    return new Group(name, new FaultInjector.Budget(burst, perSecond), List.of(actions));
  }
}
