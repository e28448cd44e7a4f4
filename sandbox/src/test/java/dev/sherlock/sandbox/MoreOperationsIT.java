package dev.sherlock.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.applicationautoscaling.model.ObjectNotFoundException;
import software.amazon.awssdk.services.applicationautoscaling.model.PolicyType;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableDimension;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.Tag;

/** The operations the other tests do not reach: tags, RunTask, DeleteService, log listings. */
class MoreOperationsIT {
  private SandboxClients aws;

  @BeforeEach
  void start() {
    aws = SandboxClients.withMysfits();
  }

  @AfterEach
  void stop() {
    aws.close();
  }

  @Test
  void tagsOnServicesAndTaskDefinitions() {
    String service =
        aws.ecs
            .describeServices(b -> b.cluster("mysfits").services("monolith"))
            .services()
            .getFirst()
            .serviceArn();
    String revision = "arn:aws:ecs:us-east-1:123456789012:task-definition/monolith:1";

    aws.ecs.tagResource(
        b -> b.resourceArn(service).tags(Tag.builder().key("owner").value("platform").build()));
    aws.ecs.tagResource(
        b ->
            b.resourceArn(revision)
                .tags(Tag.builder().key("sherlock:managed").value("true").build()));
    aws.ecs.untagResource(b -> b.resourceArn(service).tagKeys("team"));

    assertThat(aws.ecs.listTagsForResource(b -> b.resourceArn(service)).tags())
        .containsExactly(Tag.builder().key("owner").value("platform").build());
    assertThat(aws.ecs.listTagsForResource(b -> b.resourceArn(revision)).tags())
        .extracting(Tag::key)
        .containsExactly("sherlock:managed");
    assertThatThrownBy(
            () ->
                aws.ecs.listTagsForResource(
                    b -> b.resourceArn("arn:aws:ecs:us-east-1:123456789012:service/mysfits/ghost")))
        .isInstanceOf(InvalidParameterException.class);
  }

  @Test
  void runTaskStartsStandaloneTasksAndDeleteServiceDrainsOne() {
    var run =
        aws.ecs.runTask(
            b ->
                b.cluster("mysfits")
                    .taskDefinition("monolith")
                    .count(2)
                    .startedBy("sherlock-test")
                    .launchType("FARGATE"));
    assertThat(run.tasks())
        .hasSize(2)
        .allSatisfy(
            t -> {
              assertThat(t.group()).isEqualTo("family:monolith");
              assertThat(t.startedBy()).isEqualTo("sherlock-test");
            });
    aws.sandbox.advance(Duration.ofSeconds(10));
    assertThat(aws.ecs.listTasks(b -> b.cluster("mysfits").startedBy("sherlock-test")).taskArns())
        .hasSize(2);

    assertThatThrownBy(() -> aws.ecs.deleteService(b -> b.cluster("mysfits").service("monolith")))
        .isInstanceOf(InvalidParameterException.class);
    aws.ecs.deleteService(b -> b.cluster("mysfits").service("monolith").force(true));
    aws.sandbox.advance(Duration.ofSeconds(10));

    assertThat(aws.ecs.listServices(b -> b.cluster("mysfits")).serviceArns())
        .singleElement()
        .asString()
        .endsWith("/like-service");
    assertThat(
            aws.ecs
                .listTasks(
                    b ->
                        b.cluster("mysfits")
                            .serviceName("like-service")
                            .desiredStatus(DesiredStatus.RUNNING))
                .taskArns())
        .hasSize(2);
  }

  @Test
  void scalingPoliciesAreDeletedAndLogGroupsAndStreamsListed() {
    aws.autoScaling.registerScalableTarget(
        b ->
            b.serviceNamespace(ServiceNamespace.ECS)
                .resourceId("service/mysfits/monolith")
                .scalableDimension(ScalableDimension.ECS_SERVICE_DESIRED_COUNT)
                .minCapacity(1)
                .maxCapacity(4));
    aws.autoScaling.putScalingPolicy(
        b ->
            b.policyName("steps")
                .serviceNamespace(ServiceNamespace.ECS)
                .resourceId("service/mysfits/monolith")
                .scalableDimension(ScalableDimension.ECS_SERVICE_DESIRED_COUNT)
                .policyType(PolicyType.STEP_SCALING));
    aws.autoScaling.deleteScalingPolicy(
        b ->
            b.policyName("steps")
                .serviceNamespace(ServiceNamespace.ECS)
                .resourceId("service/mysfits/monolith")
                .scalableDimension(ScalableDimension.ECS_SERVICE_DESIRED_COUNT));
    assertThatThrownBy(
            () ->
                aws.autoScaling.deleteScalingPolicy(
                    b ->
                        b.policyName("steps")
                            .serviceNamespace(ServiceNamespace.ECS)
                            .resourceId("service/mysfits/monolith")
                            .scalableDimension(ScalableDimension.ECS_SERVICE_DESIRED_COUNT)))
        .isInstanceOf(ObjectNotFoundException.class);

    aws.sandbox.advance(Duration.ofSeconds(30));
    assertThat(aws.logs.describeLogGroups(b -> b.logGroupNamePrefix("/ecs/mysfits/")).logGroups())
        .extracting(g -> g.logGroupName())
        .containsExactly("/ecs/mysfits/like-service", "/ecs/mysfits/monolith");
    assertThat(
            aws.logs
                .describeLogStreams(
                    b ->
                        b.logGroupName("/ecs/mysfits/monolith")
                            .logStreamNamePrefix("monolith/monolith/"))
                .logStreams())
        .hasSize(2)
        .allSatisfy(s -> assertThat(s.lastEventTimestamp()).isPositive());
  }
}
