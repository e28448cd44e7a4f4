package dev.sherlock.aws;

import dev.sherlock.config.SherlockConfig;
import dev.sherlock.ha.Leadership;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClusterField;
import software.amazon.awssdk.services.ecs.model.ClusterSettingName;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceField;
import software.amazon.awssdk.services.ecs.model.SortOrder;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionField;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * Every ECS call Sherlock makes. Describes are batched at ECS's limits (10 services, 100 tasks a
 * call). Task-definition revisions are immutable, so each is described once and then served from a
 * cache: a reconcile never fetches the same revision twice.
 */
@Singleton
public final class EcsGateway {
  private static final int SERVICES_PER_CALL = 10;
  private static final int TASKS_PER_CALL = 100;

  private final EcsClient ecs;
  private final AwsGuard guard;

  /**
   * Revisions described lately, the least recently used dropped beyond {@link #REVISIONS_KEPT}: a
   * fleet's every revision would be most of the heap, and the store remembers the plain ones.
   */
  private final Map<String, DescribeTaskDefinitionResponse> revisions =
      Collections.synchronizedMap(
          new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(
                Map.Entry<String, DescribeTaskDefinitionResponse> eldest) {
              return size() > REVISIONS_KEPT;
            }
          });

  private static final int REVISIONS_KEPT = 1000;

  public EcsGateway(
      EcsClient ecs,
      SherlockConfig config,
      ApiBudgets budgets,
      CallCounter counter,
      Leadership leadership) {
    this.ecs = ecs;
    this.guard = new AwsGuard("ecs", config.aws(), budgets, counter, leadership);
  }

  /** Cluster ARNs of the account and region. */
  public List<String> listClusters() {
    List<String> arns = new ArrayList<>();
    String token = null;
    do {
      String next = token;
      var page =
          guard.call(
              "ecs.cluster-read", "ListClusters", () -> ecs.listClusters(b -> b.nextToken(next)));
      arns.addAll(page.clusterArns());
      token = page.nextToken();
    } while (token != null);
    return arns;
  }

  /**
   * A cluster's Container Insights setting: {@code disabled}, {@code enabled} or {@code enhanced}.
   */
  public String containerInsights(String cluster) {
    return guard
        .call(
            "ecs.cluster-read",
            "DescribeClusters",
            () -> ecs.describeClusters(b -> b.clusters(cluster).include(ClusterField.SETTINGS)))
        .clusters()
        .stream()
        .flatMap(c -> c.settings().stream())
        .filter(s -> s.name() == ClusterSettingName.CONTAINER_INSIGHTS)
        .map(s -> s.value())
        .findFirst()
        .orElse("disabled");
  }

  public void setContainerInsights(String cluster, String level) {
    guard.call(
        "ecs.cluster-modify",
        "UpdateClusterSettings",
        () ->
            ecs.updateClusterSettings(
                b ->
                    b.cluster(cluster)
                        .settings(
                            s -> s.name(ClusterSettingName.CONTAINER_INSIGHTS).value(level))));
  }

  public List<String> listServices(String cluster) {
    List<String> arns = new ArrayList<>();
    String token = null;
    do {
      String next = token;
      var page =
          guard.call(
              "ecs.service-read",
              "ListServices",
              () -> ecs.listServices(b -> b.cluster(cluster).maxResults(100).nextToken(next)));
      arns.addAll(page.serviceArns());
      token = page.nextToken();
    } while (token != null);
    return arns;
  }

  /** Services with their tags, ten per call; missing ones are simply absent. */
  public Map<String, Service> describeServices(String cluster, List<String> serviceArns) {
    Map<String, Service> services = new LinkedHashMap<>();
    for (int i = 0; i < serviceArns.size(); i += SERVICES_PER_CALL) {
      List<String> batch =
          serviceArns.subList(i, Math.min(serviceArns.size(), i + SERVICES_PER_CALL));
      var response =
          guard.call(
              "ecs.service-read",
              "DescribeServices",
              () ->
                  ecs.describeServices(
                      b -> b.cluster(cluster).services(batch).include(ServiceField.TAGS)));
      response.services().forEach(s -> services.put(s.serviceArn(), s));
    }
    return services;
  }

  public Optional<Service> describeService(String cluster, String serviceArn) {
    return Optional.ofNullable(describeServices(cluster, List.of(serviceArn)).get(serviceArn))
        .filter(s -> !"INACTIVE".equals(s.status()));
  }

  /** A revision with its tags; described once, then cached (revisions never change). */
  public DescribeTaskDefinitionResponse taskDefinition(String arn) {
    DescribeTaskDefinitionResponse cached = revisions.get(arn);
    if (cached != null) {
      return cached;
    }
    var response =
        guard.call(
            "ecs.taskdef-read",
            "DescribeTaskDefinition",
            () ->
                ecs.describeTaskDefinition(
                    b -> b.taskDefinition(arn).include(TaskDefinitionField.TAGS)));
    revisions.put(response.taskDefinition().taskDefinitionArn(), response);
    return response;
  }

  /** The newest ACTIVE revisions of one family (at most {@code limit}), newest first. */
  public List<String> newestRevisions(String family, int limit) {
    var page =
        guard.call(
            "ecs.taskdef-read",
            "ListTaskDefinitions",
            () ->
                ecs.listTaskDefinitions(
                    b ->
                        b.familyPrefix(family)
                            .status(TaskDefinitionStatus.ACTIVE)
                            .sort(SortOrder.DESC)
                            .maxResults(limit)));
    // familyPrefix is the whole family to ECS; an emulator may take it as a prefix.
    return page.taskDefinitionArns().stream()
        .filter(arn -> arn.substring(arn.lastIndexOf('/') + 1).startsWith(family + ":"))
        .toList();
  }

  public DescribeTaskDefinitionResponse register(RegisterTaskDefinitionRequest request) {
    var response =
        guard.call(
            "ecs.taskdef-modify",
            "RegisterTaskDefinition",
            () -> ecs.registerTaskDefinition(request));
    var described =
        DescribeTaskDefinitionResponse.builder()
            .taskDefinition(response.taskDefinition())
            .tags(response.tags())
            .build();
    revisions.put(response.taskDefinition().taskDefinitionArn(), described);
    return described;
  }

  /** Sets tags on a service (or any ECS resource). */
  public void tag(String resourceArn, Map<String, String> tags) {
    guard.call(
        "ecs.tag",
        "TagResource",
        () ->
            ecs.tagResource(
                b ->
                    b.resourceArn(resourceArn)
                        .tags(
                            tags.entrySet().stream()
                                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
                                .toList())));
  }

  public void untag(String resourceArn, List<String> keys) {
    guard.call(
        "ecs.tag",
        "UntagResource",
        () -> ecs.untagResource(b -> b.resourceArn(resourceArn).tagKeys(keys)));
  }

  /** Deregisters a revision (it stays describable as INACTIVE, as ECS keeps them). */
  public void deregister(String arn) {
    guard.call(
        "ecs.taskdef-modify",
        "DeregisterTaskDefinition",
        () -> ecs.deregisterTaskDefinition(b -> b.taskDefinition(arn)));
    revisions.remove(arn);
  }

  public Service updateService(UpdateServiceRequest request) {
    return guard
        .call("ecs.service-modify", "UpdateService", () -> ecs.updateService(request))
        .service();
  }

  /** Tasks of a service with the given desired status, described 100 per call. */
  public List<Task> tasks(String cluster, String serviceName, DesiredStatus status) {
    List<String> arns = new ArrayList<>();
    String token = null;
    do {
      String next = token;
      var page =
          guard.call(
              "ecs.task-read",
              "ListTasks",
              () ->
                  ecs.listTasks(
                      b ->
                          b.cluster(cluster)
                              .serviceName(serviceName)
                              .desiredStatus(status)
                              .nextToken(next)));
      arns.addAll(page.taskArns());
      token = page.nextToken();
    } while (token != null);
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < arns.size(); i += TASKS_PER_CALL) {
      List<String> batch = arns.subList(i, Math.min(arns.size(), i + TASKS_PER_CALL));
      tasks.addAll(
          guard
              .call(
                  "ecs.task-read",
                  "DescribeTasks",
                  () -> ecs.describeTasks(b -> b.cluster(cluster).tasks(batch)))
              .tasks());
    }
    return tasks;
  }
}
