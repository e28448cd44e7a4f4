package dev.sherlock.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sherlock.finding.FindingKind;
import dev.sherlock.session.Session;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What the controller knows of past events outlives the process that handled them: a crash loop
 * counted partly before a restart - or before a failover to another replica on the shared store -
 * is completed after it, and the copies SQS delivers again of events handled before it are still
 * recognised, not counted twice.
 */
class EventMemoryIT {
  @TempDir Path root;
  private ControllerWorld world;

  @AfterEach
  void stop() {
    if (world != null) {
      world.close();
    }
  }

  @Test
  void aCrashLoopCountedBeforeARestartIsCompletedAfterIt() {
    world = new ControllerWorld(root);
    crashLoopAcrossAStop();
  }

  @Test
  void aCrashLoopCountedByTheOldLeaderIsCompletedByItsSuccessor() {
    world = ControllerWorld.onTheSharedStore(root);
    crashLoopAcrossAStop();
  }

  /**
   * Two crashes, a stop, the first delivered again, a third crash: one crash loop of three. Were
   * the two forgotten, the third would be the second; were the copy not known, the first twice.
   */
  private void crashLoopAcrossAStop() {
    world.policy("crashloop.yaml", ControllerWorld.CRASH_LOOP_POLICY);
    try (SqsClient sqs = world.client(SqsClient.builder())) {
      String queue = sqs.getQueueUrl(b -> b.queueName(ControllerWorld.QUEUE)).queueUrl();
      // A message taken by the stopping controller's last receive comes back after the
      // visibility timeout, to the next one: short here, so that it comes back promptly.
      sqs.setQueueAttributes(
          b -> b.queueUrl(queue).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "2")));
      List<String> before = List.of(crash("t1"), crash("t2"));

      world.start();
      before.forEach(body -> sqs.sendMessage(b -> b.queueUrl(queue).messageBody(body)));
      world.awaitUntil(() -> handledAll(sqs, queue));
      assertThat(world.sessions()).as("two crashes of three").isEmpty();

      world.stop();
      world.start();
      sqs.sendMessage(b -> b.queueUrl(queue).messageBody(before.getFirst()));
      world.awaitUntil(() -> handledAll(sqs, queue));
      assertThat(world.sessions())
          .as("the copy delivered again is not a crash of its own")
          .isEmpty();
      assertThat(world.findings(FindingKind.TriggerFired)).isEmpty();

      sqs.sendMessage(b -> b.queueUrl(queue).messageBody(crash("t3")));
      world.awaitUntil(() -> !world.sessions().isEmpty());
    }
    Session session = world.sessions().getFirst();
    assertThat(session.policy()).isEqualTo("like-crashloop");
    assertThat(session.reason()).isEqualTo("3 tasks stopped within 10m (crash loop)");
    assertThat(world.findings(FindingKind.TriggerFired)).hasSize(1);
  }

  /** Every message sent has been received, handled and deleted. */
  private static boolean handledAll(SqsClient sqs, String queue) {
    Map<QueueAttributeName, String> counts =
        sqs.getQueueAttributes(
                b ->
                    b.queueUrl(queue)
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
            .attributes();
    return counts.values().stream().allMatch("0"::equals);
  }

  /** A task of like-service that exited by itself, as EventBridge delivers its stop. */
  private String crash(String task) {
    return """
        {"version": "0", "id": "%s", "detail-type": "ECS Task State Change", "source": "aws.ecs",
         "account": "123456789012", "time": "%s", "region": "us-east-1",
         "resources": ["arn:aws:ecs:us-east-1:123456789012:task/mysfits/%s"],
         "detail": {"clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/mysfits",
           "group": "service:like-service",
           "taskArn": "arn:aws:ecs:us-east-1:123456789012:task/mysfits/%s",
           "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/like-service:1",
           "lastStatus": "STOPPED", "desiredStatus": "STOPPED", "version": 3,
           "stopCode": "EssentialContainerExited", "stoppedReason": "Essential container in task exited",
           "containers": [{"name": "like-service", "exitCode": 1}]}}
        """
        .formatted(UUID.nameUUIDFromBytes(task.getBytes()), world.sandbox.now(), task, task);
  }
}
