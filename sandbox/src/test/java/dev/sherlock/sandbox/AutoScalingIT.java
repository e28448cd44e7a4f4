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
import software.amazon.awssdk.services.applicationautoscaling.model.ValidationException;

/** Application Auto Scaling through the real SDK client: targets bound the desired count. */
class AutoScalingIT {
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
  void registeringATargetRaisesTheDesiredCountToItsMinimum() {
    register(4, 6);
    aws.sandbox.advance(Duration.ofSeconds(30));

    var service =
        aws.ecs
            .describeServices(b -> b.cluster("mysfits").services("monolith"))
            .services()
            .getFirst();
    assertThat(service.desiredCount()).isEqualTo(4);
    assertThat(service.runningCount()).isEqualTo(4);
    var target =
        aws.autoScaling
            .describeScalableTargets(
                b ->
                    b.serviceNamespace(ServiceNamespace.ECS)
                        .resourceIds("service/mysfits/monolith"))
            .scalableTargets()
            .getFirst();
    assertThat(target.minCapacity()).isEqualTo(4);
    assertThat(target.maxCapacity()).isEqualTo(6);
    assertThat(target.scalableTargetARN())
        .startsWith("arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/");
  }

  @Test
  void aDesiredCountAboveTheMaximumIsBroughtDown() {
    register(1, 2);
    aws.ecs.updateService(b -> b.cluster("mysfits").service("monolith").desiredCount(5));
    aws.sandbox.advance(Duration.ofSeconds(5));

    assertThat(
            aws.ecs
                .describeServices(b -> b.cluster("mysfits").services("monolith"))
                .services()
                .getFirst()
                .desiredCount())
        .isEqualTo(2);
  }

  @Test
  void policiesBelongToTargetsAndGoWithThem() {
    register(2, 6);
    aws.autoScaling.putScalingPolicy(
        b ->
            b.policyName("cpu")
                .serviceNamespace(ServiceNamespace.ECS)
                .resourceId("service/mysfits/monolith")
                .scalableDimension(ScalableDimension.ECS_SERVICE_DESIRED_COUNT)
                .policyType(PolicyType.TARGET_TRACKING_SCALING)
                .targetTrackingScalingPolicyConfiguration(
                    c ->
                        c.targetValue(60.0)
                            .predefinedMetricSpecification(
                                p -> p.predefinedMetricType("ECSServiceAverageCPUUtilization"))));

    assertThat(
            aws.autoScaling
                .describeScalingPolicies(b -> b.serviceNamespace(ServiceNamespace.ECS))
                .scalingPolicies())
        .singleElement()
        .satisfies(
            p ->
                assertThat(p.targetTrackingScalingPolicyConfiguration().targetValue())
                    .isEqualTo(60.0));
    aws.autoScaling.deregisterScalableTarget(
        b ->
            b.serviceNamespace(ServiceNamespace.ECS)
                .resourceId("service/mysfits/monolith")
                .scalableDimension(ScalableDimension.ECS_SERVICE_DESIRED_COUNT));
    assertThat(
            aws.autoScaling
                .describeScalingPolicies(b -> b.serviceNamespace(ServiceNamespace.ECS))
                .scalingPolicies())
        .isEmpty();
  }

  @Test
  void errorsHaveAutoScalingsTypes() {
    assertThatThrownBy(
            () ->
                aws.autoScaling.registerScalableTarget(
                    b ->
                        b.serviceNamespace(ServiceNamespace.ECS)
                            .resourceId("service/mysfits/ghost")
                            .scalableDimension(ScalableDimension.ECS_SERVICE_DESIRED_COUNT)
                            .minCapacity(1)
                            .maxCapacity(2)))
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(
            () ->
                aws.autoScaling.deregisterScalableTarget(
                    b ->
                        b.serviceNamespace(ServiceNamespace.ECS)
                            .resourceId("service/mysfits/monolith")
                            .scalableDimension(ScalableDimension.ECS_SERVICE_DESIRED_COUNT)))
        .isInstanceOf(ObjectNotFoundException.class);
    assertThatThrownBy(() -> register(5, 2)).isInstanceOf(ValidationException.class);
  }

  private void register(int min, int max) {
    aws.autoScaling.registerScalableTarget(
        b ->
            b.serviceNamespace(ServiceNamespace.ECS)
                .resourceId("service/mysfits/monolith")
                .scalableDimension(ScalableDimension.ECS_SERVICE_DESIRED_COUNT)
                .minCapacity(min)
                .maxCapacity(max));
  }
}
