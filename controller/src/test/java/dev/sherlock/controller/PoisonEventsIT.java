package dev.sherlock.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.finding.Finding;
import dev.sherlock.finding.FindingKind;
import dev.sherlock.sandbox.ecs.Ecs;
import dev.sherlock.sandbox.faults.FaultInjector;
import dev.sherlock.sandbox.http.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Whatever arrives on the queue - events of clusters that do not exist, ARNs that are not ARNs,
 * forged versions, bodies that are not events, events whose handling fails - no message holds back
 * the others, no trigger is lost, and nothing is retried forever.
 */
class PoisonEventsIT {
  private static final String CLUSTER_ARN = "arn:aws:ecs:us-east-1:123456789012:cluster/mysfits";
  private static final String OOM_POLICY =
      """
      apiVersion: sherlock.dev/v1alpha1
      kind: DebugPolicy
      metadata: {name: oom-debug}
      spec:
        target: {cluster: mysfits, services: [like-service, late-service]}
        triggers:
          - taskStopped: {exitCodes: [137]}
        actions:
          - setEnvironment: {container: like-service, variables: {LOGLEVEL: DEBUG}}
      """;

  @TempDir Path root;
  private ControllerWorld world;
  private SqsClient sqs;
  private String queueUrl;

  @BeforeEach
  void start() {
    world = new ControllerWorld(root, Map.of("sherlock.aws.breaker.open-for", "1s"));
    world.policy("oom.yaml", OOM_POLICY);
    sqs = world.client(SqsClient.builder());
    queueUrl = sqs.getQueueUrl(b -> b.queueName(ControllerWorld.QUEUE)).queueUrl();
    // As `sherlock install` sets it up: a dead-letter queue after five receives. A short
    // visibility timeout makes redelivery prompt in real time.
    String dlqUrl = sqs.createQueue(b -> b.queueName(ControllerWorld.QUEUE + "-dlq")).queueUrl();
    String dlqArn =
        sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    sqs.setQueueAttributes(
        b ->
            b.queueUrl(queueUrl)
                .attributes(
                    Map.of(
                        QueueAttributeName.VISIBILITY_TIMEOUT,
                        "1",
                        QueueAttributeName.REDRIVE_POLICY,
                        "{\"deadLetterTargetArn\":\"%s\",\"maxReceiveCount\":5}"
                            .formatted(dlqArn))));
  }

  @AfterEach
  void stop() {
    sqs.close();
    world.close();
  }

  @Test
  void oneBadMessageDoesNotHoldBackItsBatch() {
    world.start();
    world.awaitUntil(() -> world.controller.lastResync().isPresent());

    sqs.sendMessageBatch(
        b ->
            b.queueUrl(queueUrl)
                .entries(
                    entry(
                        taskStopped(
                            "arn:aws:ecs:us-east-1:123456789012:cluster/nope", "task-a", 3, 137)),
                    entry(taskStopped("garbage", "task-b", 3, 137)),
                    entry("not json at all; db password=hunter2"),
                    entry(taskStopped(CLUSTER_ARN, "task-c", 3, 137))));

    world.awaitUntil(() -> !world.findings(FindingKind.TriggerFired).isEmpty());
    assertThat(world.findings(FindingKind.TriggerFired))
        .singleElement()
        .satisfies(f -> assertThat(f.summary()).contains("task-c"));
    world.awaitUntil(() -> world.findings(FindingKind.Error).size() >= 2);
    List<String> errors = world.findings(FindingKind.Error).stream().map(Finding::summary).toList();
    assertThat(errors)
        .anySatisfy(e -> assertThat(e).contains("detail.clusterArn is not a cluster ARN: garbage"))
        .anySatisfy(e -> assertThat(e).contains("not JSON"));
    assertThat(world.findings(FindingKind.Error))
        .allSatisfy(f -> assertThat(f.evidence().toString()).doesNotContain("hunter2"));
    world.awaitUntil(this::queueIsEmpty);
  }

  @Test
  void anEventWhoseHandlingFailsIsHandledWhenItComesBack() throws JsonProcessingException {
    // A service created after the resync, and ECS failing everything: the event's service has to
    // be described - and that fails, until ECS recovers.
    world.start();
    createLateService();
    world.sandbox.faults().inject("ecs", new FaultInjector.Faults(0, 1.0, Duration.ZERO));
    sqs.sendMessage(
        b ->
            b.queueUrl(queueUrl)
                .messageBody(taskStopped(CLUSTER_ARN, "late-service", "task-d", 3, 137)));
    // Its handling failed twice: it came back after the first failure.
    world.awaitUntil(() -> failedDeliveries() >= 2);

    world.sandbox.faults().inject("ecs", FaultInjector.Faults.NONE);

    world.awaitUntil(() -> !world.findings(FindingKind.TriggerFired).isEmpty());
    assertThat(world.findings(FindingKind.TriggerFired).getFirst().summary()).contains("task-d");
  }

  @Test
  void aForgedVersionCannotBlindTheControllerToATask() {
    world.start();
    world.awaitUntil(() -> world.controller.lastResync().isPresent());
    sqs.sendMessage(
        b -> b.queueUrl(queueUrl).messageBody(taskRunning(CLUSTER_ARN, "task-e", Long.MAX_VALUE)));
    world.awaitUntil(() -> world.controller.duplicateEvents() == 0 && received() >= 1);

    sqs.sendMessage(
        b -> b.queueUrl(queueUrl).messageBody(taskStopped(CLUSTER_ARN, "task-e", 3, 137)));

    world.awaitUntil(() -> !world.findings(FindingKind.TriggerFired).isEmpty());
    assertThat(world.findings(FindingKind.TriggerFired).getFirst().summary()).contains("task-e");
  }

  @Test
  void aMessageThatKeepsFailingEndsInTheDeadLetterQueueAsAFinding() throws JsonProcessingException {
    world.start();
    createLateService();
    world.sandbox.faults().inject("ecs", new FaultInjector.Faults(0, 1.0, Duration.ZERO));
    sqs.sendMessage(
        b ->
            b.queueUrl(queueUrl)
                .messageBody(taskStopped(CLUSTER_ARN, "late-service", "task-f", 3, 137)));

    world.awaitUntil(
        () ->
            world.findings(FindingKind.Error).stream()
                .anyMatch(f -> f.summary().contains("failed 5 times")));
    String dlqUrl = sqs.getQueueUrl(b -> b.queueName(ControllerWorld.QUEUE + "-dlq")).queueUrl();
    world.awaitUntil(
        () ->
            sqs.receiveMessage(b -> b.queueUrl(dlqUrl).waitTimeSeconds(1)).messages().stream()
                .anyMatch(m -> m.body().contains("task-f")));
    assertThat(world.findings(FindingKind.TriggerFired)).isEmpty();
  }

  private double failedDeliveries() {
    return world
        .context
        .getBean(dev.sherlock.metrics.SherlockMetrics.class)
        .failedDeliveries()
        .count();
  }

  private long received() {
    return world.context.getBean(dev.sherlock.source.SqsEventSource.class).received();
  }

  private boolean queueIsEmpty() {
    var attributes =
        sqs.getQueueAttributes(
                b ->
                    b.queueUrl(queueUrl)
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
            .attributes();
    return attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES).equals("0")
        && attributes
            .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)
            .equals("0");
  }

  private static SendMessageBatchRequestEntry entry(String body) {
    return SendMessageBatchRequestEntry.builder()
        .id(UUID.randomUUID().toString())
        .messageBody(body)
        .build();
  }

  /**
   * A service the controller has not read yet: the start-up resync was before it (the controller
   * does not read events until its first resync has completed).
   */
  private void createLateService() throws JsonProcessingException {
    world.sandbox.call(
        Ecs.TARGET_PREFIX,
        "CreateService",
        (ObjectNode)
            Json.MAPPER.readTree(
                """
            {"cluster": "mysfits", "serviceName": "late-service", "taskDefinition": "monolith",
             "desiredCount": 1, "launchType": "FARGATE",
             "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-0a1b2c3d"]}}}"""));
  }

  private static String taskStopped(String clusterArn, String task, long version, int exitCode) {
    return taskStopped(clusterArn, "like-service", task, version, exitCode);
  }

  private static String taskStopped(
      String clusterArn, String service, String task, long version, int exitCode) {
    return """
        {"version": "0", "id": "%s", "detail-type": "ECS Task State Change", "source": "aws.ecs",
         "account": "123456789012", "time": "2026-11-20T09:01:00Z", "region": "us-east-1",
         "resources": ["arn:aws:ecs:us-east-1:123456789012:task/mysfits/%s"],
         "detail": {"clusterArn": "%s", "group": "service:%s",
           "taskArn": "arn:aws:ecs:us-east-1:123456789012:task/mysfits/%s",
           "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/like-service:1",
           "lastStatus": "STOPPED", "desiredStatus": "STOPPED", "version": %d,
           "stopCode": "EssentialContainerExited", "stoppedReason": "Essential container in task exited",
           "containers": [{"name": "like-service", "exitCode": %d, "reason": "OutOfMemoryError"}]}}
        """
        .formatted(UUID.randomUUID(), task, clusterArn, service, task, version, exitCode);
  }

  private static String taskRunning(String clusterArn, String task, long version) {
    return taskStopped(clusterArn, task, version, 0)
        .replace("\"lastStatus\": \"STOPPED\"", "\"lastStatus\": \"RUNNING\"")
        .replace("\"desiredStatus\": \"STOPPED\"", "\"desiredStatus\": \"RUNNING\"");
  }
}
