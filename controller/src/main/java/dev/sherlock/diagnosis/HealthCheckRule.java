package dev.sherlock.diagnosis;

import java.util.List;
import java.util.Optional;

/** Tasks stopped because they failed their container's or the load balancer's health check. */
final class HealthCheckRule implements DiagnosisRule {
  @Override
  public Optional<Cause> examine(Evidence evidence) {
    for (Evidence.StoppedContainer c : evidence.stoppedContainers()) {
      String reason = c.stoppedReason();
      boolean elb = reason.contains("ELB health checks");
      boolean container = reason.contains("container health checks");
      if (elb || container) {
        Cause.Support support =
            new Cause.Support("stoppedTasks", "task %s: %s".formatted(c.task(), reason));
        return Optional.of(
            elb
                ? new Cause(
                    "health-check",
                    "tasks fail the load balancer's health check",
                    0.8,
                    List.of(support),
                    "compare the target group's health check path, port and timeout with what"
                        + " the app serves; raise healthCheckGracePeriodSeconds if it starts"
                        + " slowly")
                : new Cause(
                    "health-check",
                    "tasks fail their container health check",
                    0.8,
                    List.of(support),
                    "run the health check command with ECS Exec in a running task; give it a"
                        + " longer startPeriod if the app starts slowly"));
      }
    }
    return Optional.empty();
  }
}
