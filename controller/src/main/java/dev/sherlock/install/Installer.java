package dev.sherlock.install;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.config.SherlockConfig;
import dev.sherlock.policy.DebugPolicy;
import dev.sherlock.source.SqsEventSource;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Creates and removes what feeds Sherlock: an SQS queue whose access policy lets only the rule send
 * to it, and an EventBridge rule matching ECS's task, service-action and deployment events of the
 * clusters the policies select. Both operations are idempotent.
 */
@Singleton
public final class Installer {
  public static final String RULE = "sherlock-ecs-events";
  static final List<String> DETAIL_TYPES =
      List.of("ECS Task State Change", "ECS Service Action", "ECS Deployment State Change");

  private final SqsClient sqs;
  private final EventBridgeClient events;
  private final SherlockConfig config;

  public Installer(SqsClient sqs, EventBridgeClient events, SherlockConfig config) {
    this.sqs = sqs;
    this.events = events;
    this.config = config;
  }

  /** What install did, for the user. */
  public record Installed(String queueUrl, String queueArn, String ruleArn, String pattern) {}

  public Installed install(List<DebugPolicy> policies) {
    // The dead-letter queue keeps poison messages for 14 days (SQS's maximum) for a person to read.
    String deadLetterUrl =
        sqs.createQueue(
                b ->
                    b.queueName(deadLetterQueue(config.queueName()))
                        .attributes(Map.of(QueueAttributeName.MESSAGE_RETENTION_PERIOD, "1209600")))
            .queueUrl();
    String deadLetterArn = arn(deadLetterUrl);
    String queueUrl =
        sqs.createQueue(
                b ->
                    b.queueName(config.queueName())
                        .attributes(
                            Map.of(
                                QueueAttributeName.MESSAGE_RETENTION_PERIOD,
                                "86400",
                                QueueAttributeName.VISIBILITY_TIMEOUT,
                                "60")))
            .queueUrl();
    String queueArn = arn(queueUrl);
    String redrive =
        JsonNodeFactory.instance
            .objectNode()
            .put("deadLetterTargetArn", deadLetterArn)
            .put("maxReceiveCount", SqsEventSource.MAX_RECEIVES)
            .toString();
    String pattern = pattern(policies).toString();
    String ruleArn =
        events
            .putRule(
                b ->
                    b.name(RULE)
                        .eventPattern(pattern)
                        .description(
                            "ECS events for Sherlock (queue %s)".formatted(config.queueName())))
            .ruleArn();
    sqs.setQueueAttributes(
        b ->
            b.queueUrl(queueUrl)
                .attributes(
                    Map.of(
                        QueueAttributeName.POLICY,
                        accessPolicy(queueArn, ruleArn),
                        QueueAttributeName.REDRIVE_POLICY,
                        redrive)));
    events.putTargets(b -> b.rule(RULE).targets(t -> t.id("sherlock-queue").arn(queueArn)));
    return new Installed(queueUrl, queueArn, ruleArn, pattern);
  }

  /**
   * Removes the rule (targets first, as EventBridge requires) and the queue; absent ones are fine.
   */
  public List<String> uninstall() {
    List<String> removed = new ArrayList<>();
    try {
      events.removeTargets(b -> b.rule(RULE).ids("sherlock-queue"));
      events.deleteRule(b -> b.name(RULE));
      removed.add("rule " + RULE);
    } catch (ResourceNotFoundException e) {
      // already gone
    }
    for (String queue : List.of(config.queueName(), deadLetterQueue(config.queueName()))) {
      try {
        String url = sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
        sqs.deleteQueue(b -> b.queueUrl(url));
        removed.add("queue " + queue);
      } catch (QueueDoesNotExistException e) {
        // already gone
      }
    }
    return removed;
  }

  /** The dead-letter queue of {@code queue}: poison messages end there. */
  public static String deadLetterQueue(String queue) {
    return queue + "-dlq";
  }

  private String arn(String queueUrl) {
    return sqs.getQueueAttributes(
            b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes()
        .get(QueueAttributeName.QUEUE_ARN);
  }

  /** ECS's three detail-types, for the clusters the policies name (all clusters if one says *). */
  static ObjectNode pattern(List<DebugPolicy> policies) {
    Set<String> clusters = new LinkedHashSet<>();
    for (DebugPolicy policy : policies) {
      clusters.add(policy.spec().target().cluster().pattern());
    }
    return pattern(clusters);
  }

  /**
   * The rule's pattern for clusters given as names, ARNs or globs of either; the one source of
   * truth for the rule (helmless-deploy's template is checked against it).
   */
  public static ObjectNode pattern(Set<String> clusters) {
    JsonNodeFactory json = JsonNodeFactory.instance;
    ObjectNode pattern = json.objectNode();
    pattern.putArray("source").add("aws.ecs");
    ArrayNode types = pattern.putArray("detail-type");
    DETAIL_TYPES.forEach(types::add);
    if (!clusters.isEmpty() && !clusters.contains("*")) {
      ArrayNode matchers = pattern.putObject("detail").putArray("clusterArn");
      for (String cluster : clusters) {
        String arnPattern =
            cluster.startsWith("arn:") ? cluster : "arn:aws:ecs:*:*:cluster/" + cluster;
        if (arnPattern.contains("*") || arnPattern.contains("?")) {
          matchers.addObject().put("wildcard", arnPattern.replace("?", "*"));
        } else {
          matchers.add(arnPattern);
        }
      }
    }
    return pattern;
  }

  private static String accessPolicy(String queueArn, String ruleArn) {
    JsonNodeFactory json = JsonNodeFactory.instance;
    ObjectNode policy = json.objectNode().put("Version", "2012-10-17");
    ObjectNode statement =
        policy
            .putArray("Statement")
            .addObject()
            .put("Sid", "EventBridgeToSherlock")
            .put("Effect", "Allow")
            .put("Action", "sqs:SendMessage")
            .put("Resource", queueArn);
    statement.putObject("Principal").put("Service", "events.amazonaws.com");
    statement.putObject("Condition").putObject("ArnEquals").put("aws:SourceArn", ruleArn);
    return policy.toString();
  }
}
