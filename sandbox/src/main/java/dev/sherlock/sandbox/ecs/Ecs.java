package dev.sherlock.sandbox.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.sandbox.events.EventPublisher;
import dev.sherlock.sandbox.http.AwsException;
import dev.sherlock.sandbox.http.Json;
import dev.sherlock.sandbox.http.JsonApi;
import dev.sherlock.sandbox.http.Pagination;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Amazon ECS over AWS JSON 1.1 ({@code AmazonEC2ContainerServiceV20141113.*}): clusters, task
 * definitions, services with rolling deployments, and tasks, to the depth a controller relies on.
 */
public final class Ecs implements JsonApi {
  public static final String TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,255}");

  private final EcsState state;
  private final EcsScheduler scheduler;
  private final Clock clock;

  public Ecs(
      String region,
      String account,
      Clock clock,
      long seed,
      EventPublisher bus,
      Workload workload) {
    this.state = new EcsState(new Arns(region, account), seed);
    this.scheduler = new EcsScheduler(state, new EcsEvents(bus), workload);
    this.clock = clock;
  }

  @Override
  public String serviceName() {
    return "ecs";
  }

  /** Time passes: tasks and deployments move on to {@code now}. */
  public void advance(Instant now) {
    scheduler.advance(now);
  }

  /** Tasks that are not yet stopped, for the simulator (metrics, logs, task metadata). */
  public List<EcsTask> liveTasks() {
    return state.tasks.values().stream().filter(t -> !t.isStopped()).toList();
  }

  public Optional<EcsTask> task(String arn) {
    return Optional.ofNullable(state.tasks.get(arn));
  }

  /** Sets a service's desired count, as Application Auto Scaling does within its bounds. */
  public void setDesiredCount(String cluster, String service, int desiredCount) {
    EcsServiceState s = state.service(state.cluster(cluster), service);
    if (s.desiredCount != desiredCount) {
      s.desiredCount = desiredCount;
      s.steadyStateReported = false;
      s.primary().desiredCount = desiredCount;
    }
  }

  public int desiredCount(String cluster, String service) {
    return state.service(state.cluster(cluster), service).desiredCount;
  }

  /**
   * Numbers the family's next registration {@code revision} (when that is higher than its next
   * one), so that a world seeded from a fleet's state keeps the fleet's revision numbers.
   */
  public void numberNextRevision(String family, int revision) {
    state.taskDefinitions.numberNext(family, revision);
  }

  /** Load balancer target groups of a service, for the simulator's ALB metrics. */
  public Optional<JsonNode> loadBalancers(String cluster, String service) {
    return Optional.ofNullable(state.service(state.cluster(cluster), service).loadBalancers);
  }

  @Override
  public JsonNode handle(String operation, JsonNode request) {
    Instant now = clock.instant();
    return switch (operation) {
      case "CreateCluster" -> createCluster(request);
      case "DescribeClusters" -> describeClusters(request);
      case "ListClusters" -> listClusters(request);
      case "DeleteCluster" -> deleteCluster(request);
      case "UpdateClusterSettings" -> updateClusterSettings(request);
      case "RegisterTaskDefinition" -> registerTaskDefinition(request, now);
      case "DescribeTaskDefinition" -> describeTaskDefinition(request);
      case "ListTaskDefinitions" -> listTaskDefinitions(request);
      case "ListTaskDefinitionFamilies" -> listTaskDefinitionFamilies(request);
      case "DeregisterTaskDefinition" -> deregisterTaskDefinition(request, now);
      case "TagResource" -> tagResource(request);
      case "UntagResource" -> untagResource(request);
      case "ListTagsForResource" -> listTagsForResource(request);
      case "CreateService" -> createService(request, now);
      case "UpdateService" -> updateService(request, now);
      case "DescribeServices" -> describeServices(request);
      case "ListServices" -> listServices(request);
      case "DeleteService" -> deleteService(request, now);
      case "ListTasks" -> listTasks(request);
      case "DescribeTasks" -> describeTasks(request);
      case "StopTask" -> stopTask(request, now);
      case "RunTask" -> runTask(request, now);
      default ->
          throw new AwsException(
              "UnknownOperationException", 400, "The sandbox does not implement ECS " + operation);
    };
  }

  // ------------------------------------------------------------------ clusters

  private JsonNode createCluster(JsonNode request) {
    String name = Json.text(request, "clusterName").orElse("default");
    requireName(name, "clusterName");
    Cluster cluster = state.clusters.get(name);
    if (cluster == null || !cluster.status.equals("ACTIVE")) {
      cluster = new Cluster(name, state.arns.cluster(name));
      cluster.tags.putAll(Tags.fromJson(request.path("tags")));
      applySettings(cluster, request.path("settings"));
      state.clusters.put(name, cluster);
    }
    ObjectNode response = Json.object();
    response.set("cluster", clusterJson(cluster));
    return response;
  }

  /** UpdateClusterSettings: Container Insights is the one setting ECS clusters have. */
  private JsonNode updateClusterSettings(JsonNode request) {
    String name = Json.requiredText(request, "cluster");
    Cluster cluster = state.clusters.get(Arns.name(name));
    if (cluster == null || !cluster.status.equals("ACTIVE")) {
      throw AwsException.client("ClusterNotFoundException", "Cluster not found.");
    }
    if (!request.path("settings").isArray() || request.path("settings").isEmpty()) {
      throw AwsException.invalidParameter("settings can not be empty.");
    }
    applySettings(cluster, request.path("settings"));
    ObjectNode response = Json.object();
    response.set("cluster", clusterJson(cluster));
    return response;
  }

  private static void applySettings(Cluster cluster, JsonNode settings) {
    for (JsonNode setting : settings) {
      String name = setting.path("name").asText("");
      String value = setting.path("value").asText("");
      if (!name.equals("containerInsights")) {
        throw AwsException.invalidParameter(
            "Cluster setting name '%s' is not valid. Valid setting name is containerInsights."
                .formatted(name));
      }
      if (!List.of("enabled", "disabled", "enhanced").contains(value)) {
        throw AwsException.invalidParameter(
            "Cluster setting value '%s' is not valid. Valid values are enabled, disabled, enhanced."
                .formatted(value));
      }
      cluster.containerInsights = value;
    }
  }

  /** A cluster's Container Insights setting, for the workload's metrics. */
  public String containerInsights(String clusterName) {
    Cluster cluster = state.clusters.get(clusterName);
    return cluster == null ? "disabled" : cluster.containerInsights;
  }

  private JsonNode describeClusters(JsonNode request) {
    List<String> names = Json.texts(request, "clusters");
    if (names.isEmpty()) {
      names = List.of("default");
    }
    if (names.size() > 100) {
      throw AwsException.invalidParameter("clusters can have at most 100 items.");
    }
    ObjectNode response = Json.object();
    ArrayNode clusters = response.putArray("clusters");
    ArrayNode failures = response.putArray("failures");
    for (String nameOrArn : names) {
      Cluster cluster = state.clusters.get(Arns.name(nameOrArn));
      if (cluster == null) {
        failures
            .addObject()
            .put("arn", nameOrArn.startsWith("arn:") ? nameOrArn : state.arns.cluster(nameOrArn))
            .put("reason", "MISSING");
      } else {
        ObjectNode json = clusterJson(cluster);
        if (!Json.texts(request, "include").contains("TAGS")) {
          json.remove("tags");
        }
        if (!Json.texts(request, "include").contains("SETTINGS")) {
          json.remove("settings"); // as ECS: settings only when asked for
        }
        clusters.add(json);
      }
    }
    return response;
  }

  private ObjectNode clusterJson(Cluster cluster) {
    int running = 0;
    int pending = 0;
    for (EcsTask task : state.tasks.values()) {
      if (task.clusterArn.equals(cluster.arn)) {
        running += task.isRunning() ? 1 : 0;
        pending +=
            task.lastStatus.equals("PENDING") || task.lastStatus.equals("PROVISIONING") ? 1 : 0;
      }
    }
    return cluster.toJson(running, pending);
  }

  private JsonNode listClusters(JsonNode request) {
    List<String> arns =
        state.clusters.values().stream()
            .filter(c -> c.status.equals("ACTIVE"))
            .map(c -> c.arn)
            .toList();
    return page("clusterArns", arns, request);
  }

  private JsonNode deleteCluster(JsonNode request) {
    Cluster cluster = state.cluster(Json.requiredText(request, "cluster"));
    if (cluster.services.values().stream().anyMatch(s -> s.status.equals("ACTIVE"))) {
      throw AwsException.client(
          "ClusterContainsServicesException",
          "The Cluster cannot be deleted while Services are active.");
    }
    if (state.tasks.values().stream()
        .anyMatch(t -> t.clusterArn.equals(cluster.arn) && !t.isStopped())) {
      throw AwsException.client(
          "ClusterContainsTasksException", "The Cluster cannot be deleted while Tasks are active.");
    }
    cluster.status = "INACTIVE";
    ObjectNode response = Json.object();
    response.set("cluster", clusterJson(cluster));
    return response;
  }

  // --------------------------------------------------------- task definitions

  /**
   * Answer task-definition calls without their tags, as some ECS emulators do - a fault mode for
   * tests of a controller that must not depend on tags alone.
   */
  public void answerWithoutTaskDefinitionTags(boolean without) {
    this.withoutTaskDefinitionTags = without;
  }

  private volatile boolean withoutTaskDefinitionTags;

  private JsonNode registerTaskDefinition(JsonNode request, Instant now) {
    TaskDefinitionStore.Revision revision = state.taskDefinitions.register(request, now);
    ObjectNode response = Json.object();
    response.set("taskDefinition", revision.definition);
    if (!withoutTaskDefinitionTags) {
      response.set("tags", Tags.toJson(revision.tags));
    }
    return response;
  }

  private JsonNode describeTaskDefinition(JsonNode request) {
    TaskDefinitionStore.Revision revision =
        state.taskDefinitions.require(Json.requiredText(request, "taskDefinition"));
    ObjectNode response = Json.object();
    response.set("taskDefinition", revision.definition);
    if (Json.texts(request, "include").contains("TAGS") && !withoutTaskDefinitionTags) {
      response.set("tags", Tags.toJson(revision.tags));
    }
    return response;
  }

  private JsonNode listTaskDefinitions(JsonNode request) {
    Optional<String> prefix = Json.text(request, "familyPrefix");
    String status = Json.text(request, "status").orElse("ACTIVE");
    boolean descending = Json.text(request, "sort").orElse("ASC").equals("DESC");
    List<String> arns = new ArrayList<>();
    for (TaskDefinitionStore.Revision r : state.taskDefinitions.all()) {
      boolean statusMatches =
          status.equals("ALL") || r.definition.path("status").asText().equals(status);
      if (statusMatches && prefix.map(r.family::startsWith).orElse(true)) {
        arns.add(r.arn);
      }
    }
    if (descending) {
      java.util.Collections.reverse(arns);
    }
    return page("taskDefinitionArns", arns, request);
  }

  private JsonNode listTaskDefinitionFamilies(JsonNode request) {
    Optional<String> prefix = Json.text(request, "familyPrefix");
    List<String> families =
        state.taskDefinitions.families().stream()
            .filter(f -> prefix.map(f::startsWith).orElse(true))
            .toList();
    return page("families", families, request);
  }

  private JsonNode deregisterTaskDefinition(JsonNode request, Instant now) {
    TaskDefinitionStore.Revision revision =
        state.taskDefinitions.deregister(Json.requiredText(request, "taskDefinition"), now);
    ObjectNode response = Json.object();
    response.set("taskDefinition", revision.definition);
    return response;
  }

  // ---------------------------------------------------------------------- tags

  private Map<String, String> tagsOf(String arn) {
    if (arn.contains(":task-definition/")) {
      return state.taskDefinitions.byArn(arn).orElseThrow(this::resourceNotFound).tags;
    }
    if (arn.contains(":cluster/")) {
      return Optional.ofNullable(state.clusters.get(Arns.name(arn)))
          .orElseThrow(this::resourceNotFound)
          .tags;
    }
    if (arn.contains(":service/")) {
      String[] parts = arn.substring(arn.indexOf(":service/") + ":service/".length()).split("/");
      Cluster cluster =
          Optional.ofNullable(parts.length == 2 ? state.clusters.get(parts[0]) : null)
              .orElseThrow(this::resourceNotFound);
      return Optional.ofNullable(cluster.services.get(parts[1]))
          .orElseThrow(this::resourceNotFound)
          .tags;
    }
    throw AwsException.invalidParameter("The ARN provided is invalid.");
  }

  private AwsException resourceNotFound() {
    return AwsException.client(
        "InvalidParameterException", "The specified resource could not be found.");
  }

  private JsonNode tagResource(JsonNode request) {
    Map<String, String> tags = tagsOf(Json.requiredText(request, "resourceArn"));
    tags.putAll(Tags.fromJson(request.path("tags")));
    if (tags.size() > 50) {
      throw AwsException.invalidParameter("Tags can not exceed 50.");
    }
    return Json.object();
  }

  private JsonNode untagResource(JsonNode request) {
    Map<String, String> tags = tagsOf(Json.requiredText(request, "resourceArn"));
    Json.texts(request, "tagKeys").forEach(tags::remove);
    return Json.object();
  }

  private JsonNode listTagsForResource(JsonNode request) {
    ObjectNode response = Json.object();
    response.set("tags", Tags.toJson(tagsOf(Json.requiredText(request, "resourceArn"))));
    return response;
  }

  // ------------------------------------------------------------------ services

  private JsonNode createService(JsonNode request, Instant now) {
    Cluster cluster = state.cluster(Json.text(request, "cluster").orElse("default"));
    String name = Json.requiredText(request, "serviceName");
    requireName(name, "serviceName");
    EcsServiceState existing = cluster.services.get(name);
    if (existing != null && !existing.status.equals("INACTIVE")) {
      throw AwsException.invalidParameter("Creation of service was not idempotent.");
    }
    TaskDefinitionStore.Revision definition =
        activeDefinition(Json.requiredText(request, "taskDefinition"));
    int desired = request.path("desiredCount").asInt(0);
    if (desired < 0) {
      throw AwsException.invalidParameter("desiredCount can not be negative.");
    }
    String launchType = Json.text(request, "launchType").orElse("EC2");
    if (launchType.equals("FARGATE")
        && !definition.definition.path("networkMode").asText().equals("awsvpc")) {
      throw AwsException.invalidParameter("Task definition does not support launch_type FARGATE.");
    }
    EcsServiceState service =
        new EcsServiceState(
            name,
            state.arns.service(cluster.name, name),
            cluster,
            launchType,
            request.get("networkConfiguration"),
            request.get("loadBalancers"),
            now);
    service.taskDefinitionArn = definition.arn;
    service.desiredCount = desired;
    service.enableExecuteCommand = request.path("enableExecuteCommand").asBoolean(false);
    applyDeploymentConfiguration(service, request.path("deploymentConfiguration"));
    service.tags.putAll(Tags.fromJson(request.path("tags")));
    Deployment deployment =
        new Deployment(state.deploymentId(), definition.arn, desired, launchType, now);
    service.deployments.add(deployment);
    cluster.services.put(name, service);
    scheduler.schedule(service, now);
    ObjectNode response = Json.object();
    response.set("service", service.toJson(false));
    return response;
  }

  private JsonNode updateService(JsonNode request, Instant now) {
    Cluster cluster = state.cluster(Json.text(request, "cluster").orElse("default"));
    EcsServiceState service = state.service(cluster, Json.requiredText(request, "service"));
    if (!service.status.equals("ACTIVE")) {
      throw AwsException.client("ServiceNotActiveException", "Service was not ACTIVE.");
    }
    boolean newDeployment = request.path("forceNewDeployment").asBoolean(false);
    Optional<String> taskDefinition = Json.text(request, "taskDefinition");
    if (taskDefinition.isPresent()) {
      String arn = activeDefinition(taskDefinition.get()).arn;
      newDeployment |= !arn.equals(service.taskDefinitionArn);
      service.taskDefinitionArn = arn;
    }
    if (request.has("enableExecuteCommand")) {
      boolean exec = request.path("enableExecuteCommand").asBoolean();
      // ECS Exec applies to tasks started after the change: it takes a new deployment to matter.
      service.enableExecuteCommand = exec;
    }
    if (request.has("desiredCount")) {
      int desired = request.path("desiredCount").asInt();
      if (desired < 0) {
        throw AwsException.invalidParameter("desiredCount can not be negative.");
      }
      service.desiredCount = desired;
      service.steadyStateReported = false;
    }
    applyDeploymentConfiguration(service, request.path("deploymentConfiguration"));
    if (newDeployment) {
      Deployment deployment =
          new Deployment(
              state.deploymentId(),
              service.taskDefinitionArn,
              service.desiredCount,
              service.launchType,
              now);
      // A replaced deployment becomes ACTIVE and drains; its rollout state stays as it was.
      service.deployments.forEach(d -> d.status = "ACTIVE");
      service.deployments.addFirst(deployment);
      service.steadyStateReported = false;
      scheduler.schedule(service, now);
    }
    ObjectNode response = Json.object();
    response.set("service", service.toJson(false));
    return response;
  }

  private void applyDeploymentConfiguration(EcsServiceState service, JsonNode configuration) {
    if (configuration.isMissingNode() || configuration.isNull()) {
      return;
    }
    if (configuration.has("maximumPercent")) {
      service.maximumPercent = configuration.path("maximumPercent").asInt();
    }
    if (configuration.has("minimumHealthyPercent")) {
      service.minimumHealthyPercent = configuration.path("minimumHealthyPercent").asInt();
    }
    if (service.maximumPercent < 100
        || service.minimumHealthyPercent < 0
        || service.minimumHealthyPercent > 100) {
      throw AwsException.invalidParameter(
          "maximumPercent must be at least 100 and minimumHealthyPercent between 0 and 100.");
    }
    JsonNode breaker = configuration.path("deploymentCircuitBreaker");
    if (breaker.isObject()) {
      service.circuitBreakerEnabled = breaker.path("enable").asBoolean(false);
      service.circuitBreakerRollback = breaker.path("rollback").asBoolean(false);
    }
  }

  private TaskDefinitionStore.Revision activeDefinition(String reference) {
    TaskDefinitionStore.Revision revision =
        state
            .taskDefinitions
            .find(reference)
            .orElseThrow(() -> AwsException.invalidParameter("TaskDefinition not found."));
    if (!revision.active()) {
      throw AwsException.invalidParameter("TaskDefinition is inactive");
    }
    return revision;
  }

  private JsonNode describeServices(JsonNode request) {
    Cluster cluster = state.cluster(Json.text(request, "cluster").orElse("default"));
    List<String> names = Json.texts(request, "services");
    if (names.isEmpty() || names.size() > 10) {
      throw AwsException.invalidParameter("services must contain between 1 and 10 items.");
    }
    boolean tags = Json.texts(request, "include").contains("TAGS");
    ObjectNode response = Json.object();
    ArrayNode services = response.putArray("services");
    ArrayNode failures = response.putArray("failures");
    for (String nameOrArn : names) {
      EcsServiceState service = cluster.services.get(Arns.name(nameOrArn));
      if (service == null) {
        failures
            .addObject()
            .put(
                "arn",
                nameOrArn.startsWith("arn:")
                    ? nameOrArn
                    : state.arns.service(cluster.name, nameOrArn))
            .put("reason", "MISSING");
      } else {
        services.add(service.toJson(tags));
      }
    }
    return response;
  }

  private JsonNode listServices(JsonNode request) {
    Cluster cluster = state.cluster(Json.text(request, "cluster").orElse("default"));
    Optional<String> launchType = Json.text(request, "launchType");
    List<String> arns =
        cluster.services.values().stream()
            .filter(s -> !s.status.equals("INACTIVE"))
            .filter(s -> launchType.map(s.launchType::equals).orElse(true))
            .map(s -> s.arn)
            .toList();
    return page("serviceArns", arns, request);
  }

  private JsonNode deleteService(JsonNode request, Instant now) {
    Cluster cluster = state.cluster(Json.text(request, "cluster").orElse("default"));
    EcsServiceState service = state.service(cluster, Json.requiredText(request, "service"));
    boolean force = request.path("force").asBoolean(false);
    if (service.desiredCount > 0 && !force) {
      throw AwsException.invalidParameter(
          "The service cannot be stopped while it is scaled above 0.");
    }
    service.status = "DRAINING";
    scheduler.schedule(service, now);
    ObjectNode response = Json.object();
    response.set("service", service.toJson(false));
    // Once drained it is INACTIVE; the name is free again.
    service.status = "INACTIVE";
    return response;
  }

  // --------------------------------------------------------------------- tasks

  private JsonNode listTasks(JsonNode request) {
    Cluster cluster = state.cluster(Json.text(request, "cluster").orElse("default"));
    String desiredStatus = Json.text(request, "desiredStatus").orElse("RUNNING");
    Optional<String> serviceName = Json.text(request, "serviceName").map(Arns::name);
    Optional<String> family = Json.text(request, "family");
    Optional<String> startedBy = Json.text(request, "startedBy");
    if (serviceName.isPresent() && !cluster.services.containsKey(serviceName.get())) {
      throw AwsException.client("ServiceNotFoundException", "Service not found.");
    }
    List<String> arns = new ArrayList<>();
    for (EcsTask task : state.tasks.values()) {
      if (!task.clusterArn.equals(cluster.arn)) {
        continue;
      }
      boolean status =
          switch (desiredStatus) {
            case "STOPPED" -> task.desiredStatus.equals("STOPPED");
            case "PENDING" -> task.desiredStatus.equals("RUNNING") && !task.isRunning();
            default -> task.desiredStatus.equals("RUNNING");
          };
      boolean matches =
          status
              && serviceName.map(s -> task.group.equals("service:" + s)).orElse(true)
              && family.map(f -> task.taskDefinition.path("family").asText().equals(f)).orElse(true)
              && startedBy.map(s -> s.equals(task.startedBy)).orElse(true);
      if (matches) {
        arns.add(task.arn);
      }
    }
    return page("taskArns", arns, request);
  }

  private JsonNode describeTasks(JsonNode request) {
    Cluster cluster = state.cluster(Json.text(request, "cluster").orElse("default"));
    List<String> ids = Json.texts(request, "tasks");
    if (ids.isEmpty() || ids.size() > 100) {
      throw AwsException.invalidParameter("tasks must contain between 1 and 100 items.");
    }
    ObjectNode response = Json.object();
    ArrayNode tasks = response.putArray("tasks");
    ArrayNode failures = response.putArray("failures");
    for (String idOrArn : ids) {
      String arn = idOrArn.startsWith("arn:") ? idOrArn : state.arns.task(cluster.name, idOrArn);
      EcsTask task = state.tasks.get(arn);
      if (task == null || !task.clusterArn.equals(cluster.arn)) {
        failures.addObject().put("arn", arn).put("reason", "MISSING");
      } else {
        tasks.add(task.toJson());
      }
    }
    return response;
  }

  private JsonNode stopTask(JsonNode request, Instant now) {
    Cluster cluster = state.cluster(Json.text(request, "cluster").orElse("default"));
    String idOrArn = Json.requiredText(request, "task");
    String arn = idOrArn.startsWith("arn:") ? idOrArn : state.arns.task(cluster.name, idOrArn);
    EcsTask task = state.tasks.get(arn);
    if (task == null) {
      throw AwsException.invalidParameter("The referenced task was not found.");
    }
    scheduler.stop(
        task, "UserInitiated", Json.text(request, "reason").orElse("Task stopped by user"), now);
    ObjectNode response = Json.object();
    response.set("task", task.toJson());
    return response;
  }

  private JsonNode runTask(JsonNode request, Instant now) {
    Cluster cluster = state.cluster(Json.text(request, "cluster").orElse("default"));
    TaskDefinitionStore.Revision definition =
        activeDefinition(Json.requiredText(request, "taskDefinition"));
    int count = request.path("count").asInt(1);
    if (count < 1 || count > 10) {
      throw AwsException.invalidParameter("count must be between 1 and 10.");
    }
    String group = Json.text(request, "group").orElse("family:" + definition.family);
    String launchType = Json.text(request, "launchType").orElse("EC2");
    ObjectNode response = Json.object();
    ArrayNode tasks = response.putArray("tasks");
    for (int i = 0; i < count; i++) {
      EcsTask task =
          scheduler.launch(
              cluster,
              definition,
              group,
              Json.text(request, "startedBy").orElse(null),
              launchType,
              request.path("enableExecuteCommand").asBoolean(false),
              now);
      tasks.add(task.toJson());
    }
    response.putArray("failures");
    return response;
  }

  // ------------------------------------------------------------------- helpers

  private static void requireName(String name, String field) {
    if (!NAME.matcher(name).matches()) {
      throw AwsException.invalidParameter(
          "%s can have up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens."
              .formatted(field));
    }
  }

  private static JsonNode page(String field, List<String> items, JsonNode request) {
    var page =
        Pagination.page(
            items,
            request.has("maxResults")
                ? Optional.of(request.path("maxResults").asInt())
                : Optional.empty(),
            Json.text(request, "nextToken"),
            100,
            100);
    ObjectNode response = Json.object();
    response.set(field, Json.arrayOf(page.items()));
    page.nextToken().ifPresent(t -> response.put("nextToken", t));
    return response;
  }
}
