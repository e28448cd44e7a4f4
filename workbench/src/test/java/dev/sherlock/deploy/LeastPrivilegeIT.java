package dev.sherlock.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The task role allows exactly what Sherlock calls. Runs after every other integration test (a
 * failsafe execution of its own), whose controllers recorded each AWS operation they called in
 * {@link CallInventory}: an action the role lacks would fail in production, an action nothing calls
 * is privilege to take away.
 */
class LeastPrivilegeIT {
  /** SDK service names as Sherlock's call counter has them, to IAM's prefixes. */
  private static final Map<String, String> IAM_PREFIX =
      Map.of(
          "ecs", "ecs",
          "sqs", "sqs",
          "events", "events",
          "monitoring", "cloudwatch",
          "logs", "logs",
          "xray", "xray",
          "application-autoscaling", "application-autoscaling",
          "dynamodb", "dynamodb");

  /** Batch calls IAM authorizes as their single action (SQS's DeleteMessageBatch, for one). */
  private static final Map<String, String> AUTHORIZED_AS =
      Map.of("sqs:DeleteMessageBatch", "sqs:DeleteMessage");

  /** Allowed without being an API call of Sherlock's: registering a revision passes its roles. */
  private static final Set<String> IMPLIED = Set.of("iam:PassRole");

  @Test
  void theTaskRoleAllowsExactlyTheActionsSherlockCalls() throws Exception {
    Set<String> called = new TreeSet<>();
    for (String operation : CallInventory.all()) {
      String[] parts = operation.split(" ");
      assertThat(IAM_PREFIX).as("an IAM prefix for %s", parts[0]).containsKey(parts[0]);
      String action = IAM_PREFIX.get(parts[0]) + ":" + parts[1];
      called.add(AUTHORIZED_AS.getOrDefault(action, action));
    }
    assertThat(called).as("the integration tests recorded their calls").hasSizeGreaterThan(10);

    Set<String> allowed = new TreeSet<>();
    Template.taskRoleStatements().forEach(s -> allowed.addAll(Template.actions(s)));
    allowed.removeAll(IMPLIED);

    assertThat(allowed).as("the template's task role").containsExactlyInAnyOrderElementsOf(called);
  }
}
