package dev.sherlock.workbench;

import dev.sherlock.aws.SdkJson;
import dev.sherlock.overlay.TaskDefinitionOverlay;
import dev.sherlock.plan.ClusterState;
import dev.sherlock.reconcile.ServiceArns;
import dev.sherlock.sandbox.Sandbox;
import dev.sherlock.sandbox.autoscaling.ApplicationAutoScaling;
import dev.sherlock.sandbox.ecs.Ecs;
import dev.sherlock.sandbox.http.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.applicationautoscaling.model.RegisterScalableTargetRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.CreateServiceRequest;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;

/**
 * A fleet as a state file describes it ({@link ClusterState}: what {@code aws ecs
 * describe-services}, {@code describe-task-definition} and {@code application-autoscaling
 * describe-scalable-targets} print), rebuilt in the sandbox: its clusters, every task-definition
 * revision under its own number, its services with their tasks, and their scalable targets. A
 * replay or test of that fleet then reverts to the revisions it really ran.
 *
 * <p>The workload is the sandbox's: tasks run and publish CPU and memory, but the load balancers'
 * metrics come only from what a scenario or recording publishes.
 */
public record StateWorld(
    Path file, String region, String account, ClusterState state, List<Service> services)
    implements World {

  /**
   * Reads the file and checks that it describes one world: every service with its cluster and the
   * task definition it runs, all in one region and account.
   */
  public static StateWorld read(Path file) throws ClusterState.StateException {
    ClusterState state = ClusterState.read(file);
    if (state.services().isEmpty()) {
      throw problem(file, "no services: a world needs at least one");
    }
    Set<String> regionsAndAccounts = new LinkedHashSet<>();
    List<Service> services = new ArrayList<>();
    for (int i = 0; i < state.services().size(); i++) {
      var service = state.services().get(i);
      String at = "services[%d]".formatted(i);
      if (service.serviceName() == null || service.serviceArn() == null) {
        throw problem(file, at + ": needs serviceName and serviceArn, as describe-services prints");
      }
      String[] arn = service.serviceArn().split(":", 6);
      if (arn.length < 6 || !arn[5].startsWith("service/") || arn[5].split("/").length != 3) {
        throw problem(
            file,
            "%s: serviceArn %s is not arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/NAME"
                .formatted(at, service.serviceArn()));
      }
      regionsAndAccounts.add(arn[3] + " " + arn[4]);
      if (service.taskDefinition() == null
          || state.taskDefinition(service.taskDefinition()).isEmpty()) {
        throw problem(
            file,
            "%s (%s): its task definition %s is not in taskDefinitions"
                .formatted(at, service.serviceName(), service.taskDefinition()));
      }
      services.add(new Service(ServiceArns.cluster(service.serviceArn()), service.serviceName()));
    }
    if (regionsAndAccounts.size() > 1) {
      throw problem(
          file,
          "the services are in several regions or accounts (%s); a world has one"
              .formatted(String.join(", ", regionsAndAccounts)));
    }
    for (int i = 0; i < state.taskDefinitions().size(); i++) {
      TaskDefinition definition = state.taskDefinitions().get(i).taskDefinition();
      if (definition == null || definition.family() == null || definition.revision() == null) {
        throw problem(
            file,
            "taskDefinitions[%d]: needs taskDefinition with family and revision, as".formatted(i)
                + " describe-task-definition prints");
      }
    }
    String[] regionAndAccount = regionsAndAccounts.iterator().next().split(" ");
    return new StateWorld(file, regionAndAccount[0], regionAndAccount[1], state, services);
  }

  private static ClusterState.StateException problem(Path file, String message) {
    return new ClusterState.StateException("%s: error: %s".formatted(file, message));
  }

  @Override
  public void seed(Sandbox sandbox) {
    sandbox.workload().knowImages("%s.dkr.ecr.%s.amazonaws.com/".formatted(account, region));
    clusters()
        .forEach(
            cluster ->
                sandbox.call(
                    Ecs.TARGET_PREFIX, "CreateCluster", Json.object().put("clusterName", cluster)));
    List<DescribeTaskDefinitionResponse> revisions = new ArrayList<>(state.taskDefinitions());
    revisions.sort(
        Comparator.comparing((DescribeTaskDefinitionResponse d) -> d.taskDefinition().family())
            .thenComparing(d -> d.taskDefinition().revision()));
    for (DescribeTaskDefinitionResponse described : revisions) {
      TaskDefinition definition = described.taskDefinition();
      definition.containerDefinitions().stream()
          .filter(c -> c.image() != null && !c.image().isEmpty()) // "" would match every image
          .forEach(c -> sandbox.workload().knowImages(c.image()));
      sandbox.ecs().numberNextRevision(definition.family(), definition.revision());
      sandbox.call(
          Ecs.TARGET_PREFIX,
          "RegisterTaskDefinition",
          SdkJson.write(TaskDefinitionOverlay.asRegistration(definition, described.tags())));
      if (definition.status() == TaskDefinitionStatus.INACTIVE) {
        sandbox.call(
            Ecs.TARGET_PREFIX,
            "DeregisterTaskDefinition",
            Json.object().put("taskDefinition", definition.taskDefinitionArn()));
      }
    }
    for (var service : state.services()) {
      CreateServiceRequest.Builder request = CreateServiceRequest.builder();
      SdkJson.copyMatchingFields(service, (software.amazon.awssdk.core.SdkPojo) request);
      request.cluster(ServiceArns.cluster(service.serviceArn()));
      TaskDefinition runs = state.taskDefinition(service.taskDefinition()).get().taskDefinition();
      if (service.networkConfiguration() == null && runs.networkMode() == NetworkMode.AWSVPC) {
        // describe-services of a service that has one always prints it; a hand-written file may
        // not.
        request.networkConfiguration(
            n ->
                n.awsvpcConfiguration(
                    v ->
                        v.subnets("subnet-0a1b2c3d")
                            .securityGroups("sg-0a1b2c3d")
                            .assignPublicIp(AssignPublicIp.DISABLED)));
      }
      sandbox.call(Ecs.TARGET_PREFIX, "CreateService", SdkJson.write(request.build()));
    }
    for (ScalableTarget target : state.scalableTargets()) {
      RegisterScalableTargetRequest.Builder request = RegisterScalableTargetRequest.builder();
      SdkJson.copyMatchingFields(target, (software.amazon.awssdk.core.SdkPojo) request);
      sandbox.call(
          ApplicationAutoScaling.TARGET_PREFIX,
          "RegisterScalableTarget",
          SdkJson.write(request.build()));
    }
  }

  @Override
  public String description() {
    return "the world of %s (%d services in %s)"
        .formatted(file, services.size(), String.join(", ", clusters()));
  }

  /** The clusters of the services, each once, in the file's order. */
  private Set<String> clusters() {
    return new LinkedHashSet<>(services.stream().map(Service::cluster).toList());
  }
}
