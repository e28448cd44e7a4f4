package dev.sherlock.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceNotFoundException;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionField;

/** ECS through the real SDK client: clusters, task definitions, services, tasks, errors. */
class EcsIT {
  private SandboxClients aws;

  @BeforeEach
  void start() {
    aws = new SandboxClients();
  }

  @AfterEach
  void stop() {
    aws.close();
  }

  @Test
  void clustersAreCreatedDescribedAndListed() {
    aws.ecs.createCluster(b -> b.clusterName("a"));
    aws.ecs.createCluster(b -> b.clusterName("b"));

    var described = aws.ecs.describeClusters(b -> b.clusters("a", "missing"));

    assertThat(described.clusters())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.clusterArn()).isEqualTo("arn:aws:ecs:us-east-1:123456789012:cluster/a");
              assertThat(c.status()).isEqualTo("ACTIVE");
            });
    assertThat(described.failures())
        .singleElement()
        .satisfies(f -> assertThat(f.reason()).isEqualTo("MISSING"));
    assertThat(aws.ecs.listClusters().clusterArns()).hasSize(2);
  }

  @Test
  void taskDefinitionsNumberTheirRevisionsAndRoundTripEveryField() {
    RegisterTaskDefinitionRequest request = richTaskDefinition();

    var first = aws.ecs.registerTaskDefinition(request).taskDefinition();
    var second = aws.ecs.registerTaskDefinition(request).taskDefinition();
    DescribeTaskDefinitionResponse described =
        aws.ecs.describeTaskDefinition(
            b -> b.taskDefinition("app").include(TaskDefinitionField.TAGS));

    assertThat(first.revision()).isEqualTo(1);
    assertThat(second.taskDefinitionArn())
        .isEqualTo("arn:aws:ecs:us-east-1:123456789012:task-definition/app:2");
    assertThat(described.taskDefinition().revision()).isEqualTo(2);
    assertThat(described.taskDefinition().containerDefinitions())
        .isEqualTo(request.containerDefinitions());
    assertThat(described.taskDefinition().volumes()).isEqualTo(request.volumes());
    assertThat(described.taskDefinition().runtimePlatform()).isEqualTo(request.runtimePlatform());
    assertThat(described.taskDefinition().ephemeralStorage()).isEqualTo(request.ephemeralStorage());
    assertThat(described.taskDefinition().taskRoleArn()).isEqualTo(request.taskRoleArn());
    assertThat(described.tags()).isEqualTo(request.tags());
  }

  /** ECS answers the lists a registration left out as empty lists (tools read them unchecked). */
  @Test
  void aTaskDefinitionWithoutVolumesOrConstraintsHasEmptyListsOfThem() {
    aws.ecs.registerTaskDefinition(
        b ->
            b.family("bare")
                .containerDefinitions(c -> c.name("app").image("busybox:1").memory(128)));
    var described = aws.ecs.describeTaskDefinition(b -> b.taskDefinition("bare")).taskDefinition();
    // hasX() tells a list ECS sent (even empty) from one it left out.
    assertThat(described.hasVolumes()).isTrue();
    assertThat(described.volumes()).isEmpty();
    assertThat(described.hasPlacementConstraints()).isTrue();
    assertThat(described.placementConstraints()).isEmpty();
  }

  @Test
  void taskDefinitionsAreListedPagedAndDeregistered() {
    for (int i = 0; i < 5; i++) {
      aws.ecs.registerTaskDefinition(richTaskDefinition());
    }
    aws.ecs.deregisterTaskDefinition(b -> b.taskDefinition("app:5"));

    var page = aws.ecs.listTaskDefinitions(b -> b.familyPrefix("app").maxResults(3));
    var rest =
        aws.ecs.listTaskDefinitions(
            b -> b.familyPrefix("app").maxResults(3).nextToken(page.nextToken()));

    assertThat(page.taskDefinitionArns()).hasSize(3);
    assertThat(rest.taskDefinitionArns()).hasSize(1);
    assertThat(rest.nextToken()).isNull();
    assertThat(
            aws.ecs
                .describeTaskDefinition(b -> b.taskDefinition("app"))
                .taskDefinition()
                .revision())
        .as("the family's latest ACTIVE revision")
        .isEqualTo(4);
  }

  @Test
  void aServiceReachesASteadyState() {
    createService("web", 2, "busybox:1");

    aws.sandbox.advance(Duration.ofSeconds(30));

    Service service = describe("web");
    assertThat(service.runningCount()).isEqualTo(2);
    assertThat(service.deployments())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.rolloutState()).isEqualTo(DeploymentRolloutState.COMPLETED);
              assertThat(d.id()).matches("ecs-svc/\\d{19}");
            });
    assertThat(service.events())
        .extracting(e -> e.message())
        .first()
        .isEqualTo("(service web) has reached a steady state.");
    List<Task> tasks = tasks("web", DesiredStatus.RUNNING);
    assertThat(tasks)
        .hasSize(2)
        .allSatisfy(
            t -> {
              assertThat(t.lastStatus()).isEqualTo("RUNNING");
              assertThat(t.group()).isEqualTo("service:web");
              assertThat(t.startedBy()).isEqualTo(service.deployments().getFirst().id());
              assertThat(t.taskArn())
                  .matches("arn:aws:ecs:us-east-1:123456789012:task/demo/[0-9a-f]{32}");
            });
  }

  @Test
  void aRollingDeploymentRespectsItsPercentagesAndReplacesEveryTask() {
    createService("web", 4, "busybox:1");
    aws.sandbox.advance(Duration.ofSeconds(30));
    var revision2 =
        aws.ecs.registerTaskDefinition(taskDefinition("web", "busybox:2")).taskDefinition();

    aws.ecs.updateService(
        b ->
            b.cluster("demo")
                .service("web")
                .taskDefinition(revision2.taskDefinitionArn())
                .deploymentConfiguration(c -> c.maximumPercent(150).minimumHealthyPercent(50)));
    int maxLive = 0;
    int minRunning = Integer.MAX_VALUE;
    for (int i = 0; i < 60; i++) {
      aws.sandbox.advance(Duration.ofSeconds(1));
      Service s = describe("web");
      maxLive = Math.max(maxLive, s.runningCount() + s.pendingCount());
      minRunning = Math.min(minRunning, s.runningCount());
    }

    Service service = describe("web");
    assertThat(maxLive).as("never more than 150% of 4 tasks").isLessThanOrEqualTo(6);
    assertThat(minRunning).as("never fewer than 50% of 4 running").isGreaterThanOrEqualTo(2);
    assertThat(service.deployments())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.taskDefinition()).isEqualTo(revision2.taskDefinitionArn());
              assertThat(d.rolloutState()).isEqualTo(DeploymentRolloutState.COMPLETED);
            });
    assertThat(tasks("web", DesiredStatus.RUNNING))
        .hasSize(4)
        .allSatisfy(
            t -> assertThat(t.taskDefinitionArn()).isEqualTo(revision2.taskDefinitionArn()));
    assertThat(tasks("web", DesiredStatus.STOPPED))
        .hasSize(4)
        .allSatisfy(
            t -> {
              assertThat(t.stopCode().toString()).isEqualTo("ServiceSchedulerInitiated");
              assertThat(t.stoppedReason())
                  .startsWith("Scaling activity initiated by (deployment ecs-svc/");
            });
  }

  @Test
  void anImageThatCannotBePulledFailsTheDeploymentAndTheCircuitBreakerRollsBack() {
    createService("web", 2, "busybox:1");
    aws.sandbox.advance(Duration.ofSeconds(30));
    String good = describe("web").taskDefinition();
    var bad =
        aws.ecs
            .registerTaskDefinition(taskDefinition("web", "example.com/no-such-image:1"))
            .taskDefinition();

    aws.ecs.updateService(
        b -> b.cluster("demo").service("web").taskDefinition(bad.taskDefinitionArn()));
    aws.sandbox.advance(Duration.ofMinutes(2));

    Service service = describe("web");
    assertThat(service.taskDefinition()).isEqualTo(good);
    assertThat(service.deployments())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.taskDefinition()).isEqualTo(good);
              assertThat(d.rolloutState()).isEqualTo(DeploymentRolloutState.COMPLETED);
              assertThat(d.rolloutStateReason()).startsWith("ECS deployment ecs-svc/");
            });
    assertThat(service.events())
        .extracting(e -> e.message())
        .anyMatch(
            m ->
                m.matches(
                    "\\(service web\\) \\(deployment ecs-svc/\\d+\\) deployment failed: tasks failed to start\\."))
        .anyMatch(m -> m.startsWith("(service web) rolling back to deployment ecs-svc/"));
    assertThat(tasks("web", DesiredStatus.STOPPED))
        .filteredOn(t -> t.taskDefinitionArn().equals(bad.taskDefinitionArn()))
        .filteredOn(t -> t.stopCode().toString().equals("TaskFailedToStart"))
        .as("the breaker trips at 3 failed starts (0.5 x 2, at least 3); tasks fail in pairs")
        .hasSizeBetween(3, 4)
        .allSatisfy(t -> assertThat(t.stoppedReason()).startsWith("CannotPullContainerError:"));
    assertThat(tasks("web", DesiredStatus.RUNNING)).hasSize(2);
  }

  @Test
  void aStoppedTaskIsReplacedAndStaysVisible() {
    createService("web", 1, "busybox:1");
    aws.sandbox.advance(Duration.ofSeconds(30));
    Task task = tasks("web", DesiredStatus.RUNNING).getFirst();

    aws.ecs.stopTask(b -> b.cluster("demo").task(task.taskArn()).reason("testing"));
    aws.sandbox.advance(Duration.ofSeconds(30));

    Task stopped =
        aws.ecs.describeTasks(b -> b.cluster("demo").tasks(task.taskArn())).tasks().getFirst();
    assertThat(stopped.lastStatus()).isEqualTo("STOPPED");
    assertThat(stopped.stopCode().toString()).isEqualTo("UserInitiated");
    assertThat(stopped.stoppedReason()).isEqualTo("testing");
    assertThat(stopped.containers()).allSatisfy(c -> assertThat(c.exitCode()).isZero());
    assertThat(tasks("web", DesiredStatus.RUNNING)).singleElement().isNotEqualTo(task.taskArn());
    aws.sandbox.advance(Duration.ofMinutes(59));
    assertThat(aws.ecs.describeTasks(b -> b.cluster("demo").tasks(task.taskArn())).tasks())
        .hasSize(1);
  }

  @Test
  void batchLimitsAndMissingResourcesAreErrorsOfTheRightType() {
    aws.ecs.createCluster(b -> b.clusterName("demo"));
    List<String> eleven = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      eleven.add("s" + i);
    }

    assertThatThrownBy(() -> aws.ecs.describeServices(b -> b.cluster("demo").services(eleven)))
        .isInstanceOf(InvalidParameterException.class);
    assertThatThrownBy(() -> aws.ecs.listServices(b -> b.cluster("nope")))
        .isInstanceOf(ClusterNotFoundException.class)
        .satisfies(e -> assertThat(((ClusterNotFoundException) e).statusCode()).isEqualTo(400));
    assertThatThrownBy(
            () -> aws.ecs.updateService(b -> b.cluster("demo").service("nope").desiredCount(1)))
        .isInstanceOf(ServiceNotFoundException.class);
    assertThatThrownBy(() -> aws.ecs.listServices(b -> b.cluster("demo").maxResults(101)))
        .isInstanceOf(InvalidParameterException.class);
    assertThat(aws.ecs.describeServices(b -> b.cluster("demo").services("ghost")).failures())
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.arn())
                    .isEqualTo("arn:aws:ecs:us-east-1:123456789012:service/demo/ghost"));
  }

  @Test
  void listingPagesThroughMoreThanAHundredServices() {
    aws.ecs.createCluster(b -> b.clusterName("demo"));
    aws.ecs.registerTaskDefinition(taskDefinition("web", "busybox:1"));
    for (int i = 0; i < 120; i++) {
      String name = "svc-" + i;
      aws.ecs.createService(
          b -> b.cluster("demo").serviceName(name).taskDefinition("web").desiredCount(0));
    }

    var all = new ArrayList<String>();
    aws.ecs.listServicesPaginator(b -> b.cluster("demo")).serviceArns().forEach(all::add);
    var first = aws.ecs.listServices(b -> b.cluster("demo"));

    assertThat(first.serviceArns()).hasSize(100);
    assertThat(all).hasSize(120).doesNotHaveDuplicates();
  }

  private void createService(String name, int desired, String image) {
    aws.ecs.createCluster(b -> b.clusterName("demo"));
    aws.ecs.registerTaskDefinition(taskDefinition(name, image));
    aws.ecs.createService(
        b ->
            b.cluster("demo")
                .serviceName(name)
                .taskDefinition(name)
                .desiredCount(desired)
                .launchType(LaunchType.FARGATE)
                .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-1")))
                .deploymentConfiguration(
                    c -> c.deploymentCircuitBreaker(cb -> cb.enable(true).rollback(true))));
  }

  private Service describe(String name) {
    return aws.ecs.describeServices(b -> b.cluster("demo").services(name)).services().getFirst();
  }

  private List<Task> tasks(String service, DesiredStatus status) {
    List<String> arns =
        aws.ecs
            .listTasks(b -> b.cluster("demo").serviceName(service).desiredStatus(status))
            .taskArns();
    return arns.isEmpty()
        ? List.of()
        : aws.ecs.describeTasks(b -> b.cluster("demo").tasks(arns)).tasks();
  }

  static RegisterTaskDefinitionRequest taskDefinition(String family, String image) {
    return RegisterTaskDefinitionRequest.builder()
        .family(family)
        .networkMode("awsvpc")
        .requiresCompatibilities(software.amazon.awssdk.services.ecs.model.Compatibility.FARGATE)
        .cpu("256")
        .memory("512")
        .containerDefinitions(
            ContainerDefinition.builder().name(family).image(image).essential(true).build())
        .build();
  }

  /** A task definition using many of the fields a faithful copy must keep. */
  static RegisterTaskDefinitionRequest richTaskDefinition() {
    return RegisterTaskDefinitionRequest.builder()
        .family("app")
        .taskRoleArn("arn:aws:iam::123456789012:role/app")
        .executionRoleArn("arn:aws:iam::123456789012:role/exec")
        .networkMode("awsvpc")
        .requiresCompatibilities(software.amazon.awssdk.services.ecs.model.Compatibility.FARGATE)
        .cpu("512")
        .memory("1024")
        .runtimePlatform(r -> r.cpuArchitecture("ARM64").operatingSystemFamily("LINUX"))
        .ephemeralStorage(e -> e.sizeInGiB(30))
        .volumes(v -> v.name("scratch"))
        .tags(t -> t.key("team").value("mysfits"))
        .containerDefinitions(
            ContainerDefinition.builder()
                .name("app")
                .image("busybox:1")
                .essential(true)
                .cpu(256)
                .memory(512)
                .memoryReservation(256)
                .portMappings(
                    p -> p.containerPort(80).protocol("tcp").name("http").appProtocol("http"))
                .environment(KeyValuePair.builder().name("LOGLEVEL").value("INFO").build())
                .secrets(
                    s ->
                        s.name("TOKEN")
                            .valueFrom("arn:aws:secretsmanager:us-east-1:123456789012:secret:t"))
                .mountPoints(
                    m -> m.sourceVolume("scratch").containerPath("/scratch").readOnly(false))
                .healthCheck(
                    h ->
                        h.command("CMD-SHELL", "true")
                            .interval(30)
                            .timeout(5)
                            .retries(3)
                            .startPeriod(10))
                .logConfiguration(
                    l -> l.logDriver("awslogs").options(java.util.Map.of("awslogs-group", "/app")))
                .ulimits(u -> u.name("nofile").softLimit(1024).hardLimit(4096))
                .dockerLabels(java.util.Map.of("a", "b"))
                .stopTimeout(30)
                .readonlyRootFilesystem(true)
                .linuxParameters(lp -> lp.initProcessEnabled(true))
                .build(),
            ContainerDefinition.builder()
                .name("sidecar")
                .image("busybox:1")
                .essential(false)
                .dependsOn(d -> d.containerName("app").condition("START"))
                .build())
        .build();
  }
}
