package dev.sherlock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sherlock.CommandLineRun;
import dev.sherlock.RepoFiles;
import dev.sherlock.sandbox.Sandbox;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** install and uninstall create and remove the rule and queue, and can run any number of times. */
class InstallIT {

  @Test
  void installAndUninstallAreIdempotent() {
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    try (Sandbox sandbox =
            Sandbox.builder().virtualClock(Instant.parse("2026-11-20T09:00:00Z")).start();
        EventBridgeClient events =
            EventBridgeClient.builder()
                .endpointOverride(sandbox.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("t", "t")))
                .build();
        SqsClient sqs =
            SqsClient.builder()
                .endpointOverride(sandbox.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("t", "t")))
                .build()) {
      String[] args = {
        "--policies",
        RepoFiles.policies().toString(),
        "--endpoint",
        sandbox.endpoint().toString(),
        "--region",
        "us-east-1"
      };

      CommandLineRun first = CommandLineRun.of(concat("install", args));
      CommandLineRun second = CommandLineRun.of(concat("install", args));

      assertThat(first.exitCode()).as(first.err()).isZero();
      assertThat(second.exitCode()).isZero();
      assertThat(second.out()).isEqualTo(first.out());
      var rule = events.describeRule(b -> b.name("sherlock-ecs-events"));
      assertThat(rule.eventPattern())
          .contains("\"source\":[\"aws.ecs\"]")
          .contains("ECS Task State Change", "ECS Service Action", "ECS Deployment State Change")
          .contains("arn:aws:ecs:*:*:cluster/mysfits");
      assertThat(events.listTargetsByRule(b -> b.rule("sherlock-ecs-events")).targets())
          .singleElement()
          .satisfies(
              t ->
                  assertThat(t.arn())
                      .isEqualTo("arn:aws:sqs:us-east-1:123456789012:sherlock-ecs-events"));
      assertThat(sqs.listQueues().queueUrls())
          .extracting(u -> u.substring(u.lastIndexOf('/') + 1))
          .containsExactlyInAnyOrder("sherlock-ecs-events", "sherlock-ecs-events-dlq");
      String queueUrl = sqs.getQueueUrl(b -> b.queueName("sherlock-ecs-events")).queueUrl();
      assertThat(
              sqs.getQueueAttributes(
                      b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.REDRIVE_POLICY))
                  .attributes()
                  .get(QueueAttributeName.REDRIVE_POLICY))
          .contains("sherlock-ecs-events-dlq", "\"maxReceiveCount\":5");

      assertThat(CommandLineRun.of(concat("uninstall", args)).out())
          .contains(
              "removed rule sherlock-ecs-events and queue sherlock-ecs-events and queue"
                  + " sherlock-ecs-events-dlq");
      assertThat(CommandLineRun.of(concat("uninstall", args)).out()).contains("nothing to remove");
      assertThat(sqs.listQueues().queueUrls()).isEmpty();
      assertThat(events.listRules(b -> b.namePrefix("sherlock")).rules()).isEmpty();
    }
  }

  private static String[] concat(String command, String[] args) {
    String[] all = new String[args.length + 1];
    all[0] = command;
    System.arraycopy(args, 0, all, 1, args.length);
    return all;
  }
}
