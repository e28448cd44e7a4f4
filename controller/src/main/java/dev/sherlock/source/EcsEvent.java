package dev.sherlock.source;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The ECS events Sherlock acts on, parsed from EventBridge's envelope. Each names the service it is
 * about, so it can wake that service's reconcile; the trigger engine looks closer.
 */
public sealed interface EcsEvent {
  /** The EventBridge event id: the same event delivered twice has the same id. */
  String id();

  String serviceArn();

  Instant time();

  /** "ECS Task State Change" of a task a service started. */
  record TaskStateChange(
      String id,
      String serviceArn,
      Instant time,
      String taskArn,
      String taskDefinitionArn,
      String lastStatus,
      String desiredStatus,
      long version,
      Optional<String> stopCode,
      Optional<String> stoppedReason,
      Optional<Instant> stoppedAt,
      List<Container> containers)
      implements EcsEvent {
    /** A container of the task, as the event reports it. */
    public record Container(String name, Optional<Integer> exitCode, Optional<String> reason) {}
  }

  /** "ECS Service Action": SERVICE_STEADY_STATE, SERVICE_TASK_PLACEMENT_FAILURE, ... */
  record ServiceAction(
      String id, String serviceArn, Instant time, String eventType, String eventName)
      implements EcsEvent {}

  /** "ECS Deployment State Change": SERVICE_DEPLOYMENT_IN_PROGRESS / COMPLETED / FAILED. */
  record DeploymentStateChange(
      String id,
      String serviceArn,
      Instant time,
      String eventName,
      String deploymentId,
      String reason)
      implements EcsEvent {}
}
