package dev.sherlock.aws;

import dev.sherlock.config.SherlockConfig;
import dev.sherlock.ha.Leadership;
import jakarta.inject.Singleton;
import java.util.Optional;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableDimension;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;

/** Application Auto Scaling for ECS services' desired count: read a target, move its bounds. */
@Singleton
public final class AutoScalingGateway {
  private final ApplicationAutoScalingClient autoScaling;
  private final AwsGuard guard;

  public AutoScalingGateway(
      ApplicationAutoScalingClient autoScaling,
      SherlockConfig config,
      ApiBudgets budgets,
      CallCounter counter,
      Leadership leadership) {
    this.autoScaling = autoScaling;
    this.guard =
        new AwsGuard("application-autoscaling", config.aws(), budgets, counter, leadership);
  }

  public Optional<ScalableTarget> target(String cluster, String service) {
    String resourceId = resourceId(cluster, service);
    return guard
        .call(
            "application-autoscaling",
            "DescribeScalableTargets",
            () ->
                autoScaling.describeScalableTargets(
                    b ->
                        b.serviceNamespace(ServiceNamespace.ECS)
                            .resourceIds(resourceId)
                            .scalableDimension(ScalableDimension.ECS_SERVICE_DESIRED_COUNT)))
        .scalableTargets()
        .stream()
        .findFirst();
  }

  /** Sets the bounds of an existing target (RegisterScalableTarget updates one in place). */
  public void bounds(String cluster, String service, int min, int max) {
    guard.call(
        "application-autoscaling",
        "RegisterScalableTarget",
        () ->
            autoScaling.registerScalableTarget(
                b ->
                    b.serviceNamespace(ServiceNamespace.ECS)
                        .resourceId(resourceId(cluster, service))
                        .scalableDimension(ScalableDimension.ECS_SERVICE_DESIRED_COUNT)
                        .minCapacity(min)
                        .maxCapacity(max)));
  }

  private static String resourceId(String cluster, String service) {
    return "service/%s/%s".formatted(cluster, service);
  }
}
