package dev.sherlock.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.eventbridge.model.InvalidEventPatternException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * EventBridge through the real SDK: rules with patterns deliver ECS's own events, in their
 * documented shapes, into SQS queues of the embedded ElasticMQ on the same endpoint.
 */
class EventBridgeIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private SandboxClients aws;
  private String queueUrl;

  @BeforeEach
  void start() {
    aws = new SandboxClients();
    queueUrl = aws.sqs.createQueue(b -> b.queueName("ecs-events")).queueUrl();
  }

  @AfterEach
  void stop() {
    aws.close();
  }

  @Test
  void ecsTaskStateChangesArriveWithTheirDocumentedShape() throws Exception {
    rule(
        "tasks",
        """
        {"source": ["aws.ecs"], "detail-type": ["ECS Task State Change"]}""");
    startService("web", 1);

    List<JsonNode> events = receiveAtLeast(3);

    JsonNode running =
        events.stream()
            .filter(e -> e.at("/detail/lastStatus").asText().equals("RUNNING"))
            .findFirst()
            .orElseThrow();
    assertThat(running.path("version").asText()).isEqualTo("0");
    assertThat(running.path("id").asText()).matches("[0-9a-f-]{36}");
    assertThat(running.path("detail-type").asText()).isEqualTo("ECS Task State Change");
    assertThat(running.path("source").asText()).isEqualTo("aws.ecs");
    assertThat(running.path("account").asText()).isEqualTo("123456789012");
    assertThat(running.path("region").asText()).isEqualTo("us-east-1");
    assertThat(running.path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    String taskArn = running.at("/detail/taskArn").asText();
    assertThat(running.path("resources"))
        .singleElement()
        .satisfies(r -> assertThat(r.asText()).isEqualTo(taskArn));
    JsonNode detail = running.path("detail");
    assertThat(detail.path("clusterArn").asText())
        .isEqualTo("arn:aws:ecs:us-east-1:123456789012:cluster/demo");
    assertThat(detail.path("group").asText()).isEqualTo("service:web");
    assertThat(detail.path("desiredStatus").asText()).isEqualTo("RUNNING");
    assertThat(detail.path("launchType").asText()).isEqualTo("FARGATE");
    assertThat(detail.path("startedBy").asText()).startsWith("ecs-svc/");
    assertThat(detail.path("taskDefinitionArn").asText())
        .isEqualTo("arn:aws:ecs:us-east-1:123456789012:task-definition/web:1");
    assertThat(detail.path("cpu").isTextual()).as("cpu is a string, as in ECS's events").isTrue();
    assertThat(detail.path("createdAt").asText())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
    assertThat(detail.path("startedAt").asText()).isNotEmpty();
    assertThat(detail.path("containers"))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.path("name").asText()).isEqualTo("web");
              assertThat(c.path("lastStatus").asText()).isEqualTo("RUNNING");
              assertThat(c.path("taskArn").asText()).isEqualTo(taskArn);
              assertThat(c.path("containerArn").asText())
                  .startsWith("arn:aws:ecs:us-east-1:123456789012:container/demo/");
            });
    List<Long> versions =
        events.stream()
            .filter(e -> e.at("/detail/taskArn").asText().equals(taskArn))
            .map(e -> e.at("/detail/version").asLong())
            .toList();
    assertThat(versions)
        .as("detail.version rises with every change")
        .isSorted()
        .doesNotHaveDuplicates();
    assertThat(events.stream().map(e -> e.at("/detail/lastStatus").asText()).toList())
        .containsSubsequence("PROVISIONING", "PENDING", "RUNNING");
  }

  @Test
  void deploymentAndServiceActionEventsArriveToo() throws Exception {
    rule(
        "service",
        """
        {"source": ["aws.ecs"], "detail-type": ["ECS Deployment State Change", "ECS Service Action"]}""");
    startService("web", 1);

    List<JsonNode> events = receiveAtLeast(2);

    JsonNode completed =
        events.stream()
            .filter(e -> e.at("/detail/eventName").asText().equals("SERVICE_DEPLOYMENT_COMPLETED"))
            .findFirst()
            .orElseThrow();
    assertThat(completed.path("detail-type").asText()).isEqualTo("ECS Deployment State Change");
    assertThat(completed.path("resources").get(0).asText())
        .isEqualTo("arn:aws:ecs:us-east-1:123456789012:service/demo/web");
    assertThat(completed.at("/detail/eventType").asText()).isEqualTo("INFO");
    assertThat(completed.at("/detail/deploymentId").asText()).startsWith("ecs-svc/");
    assertThat(completed.at("/detail/reason").asText())
        .matches("ECS deployment ecs-svc/\\d+ completed\\.");
    JsonNode steady =
        events.stream()
            .filter(e -> e.at("/detail/eventName").asText().equals("SERVICE_STEADY_STATE"))
            .findFirst()
            .orElseThrow();
    assertThat(steady.path("detail-type").asText()).isEqualTo("ECS Service Action");
    assertThat(steady.at("/detail/clusterArn").asText())
        .isEqualTo("arn:aws:ecs:us-east-1:123456789012:cluster/demo");
    assertThat(steady.at("/detail/createdAt").asText()).endsWith("Z");
  }

  @Test
  void patternsFilterWithContentOperators() {
    aws.events.putRule(
        b ->
            b.name("stopped-oom")
                .eventPattern(
                    """
        {"source": ["aws.ecs"], "detail": {"lastStatus": ["STOPPED"], "stopCode": [{"anything-but": "UserInitiated"}],
         "containers": {"exitCode": [{"numeric": ["=", 137]}]}, "group": [{"prefix": "service:"}],
         "stoppedReason": [{"exists": true}]}}"""));

    assertThat(
            test("stopped-oom", event("STOPPED", "EssentialContainerExited", 137, "service:web")))
        .isTrue();
    assertThat(test("stopped-oom", event("STOPPED", "UserInitiated", 137, "service:web")))
        .isFalse();
    assertThat(test("stopped-oom", event("STOPPED", "EssentialContainerExited", 1, "service:web")))
        .isFalse();
    assertThat(test("stopped-oom", event("STOPPED", "EssentialContainerExited", 137, "family:web")))
        .isFalse();
    assertThat(
            test("stopped-oom", event("RUNNING", "EssentialContainerExited", 137, "service:web")))
        .isFalse();
  }

  @Test
  void aBadPatternIsRejected() {
    assertThatThrownBy(
            () -> aws.events.putRule(b -> b.name("bad").eventPattern("{\"source\": \"aws.ecs\"}")))
        .isInstanceOf(InvalidEventPatternException.class);
    assertThatThrownBy(
            () ->
                aws.events.putRule(
                    b -> b.name("bad").eventPattern("{\"a\": [{\"numeric\": [\"~\", 1]}]}")))
        .isInstanceOf(InvalidEventPatternException.class);
    // As EventBridge (Event Ruler) refuses it: a range must be one; equality is ["=", 137].
    assertThatThrownBy(
            () ->
                aws.events.putRule(
                    b ->
                        b.name("bad")
                            .eventPattern("{\"a\": [{\"numeric\": [\">=\", 137, \"<=\", 137]}]}")))
        .isInstanceOf(InvalidEventPatternException.class)
        .hasMessageContaining("Bottom must be less than top");
  }

  @Test
  void customEventsOnACustomBusReachOnlyThatBusRules() throws Exception {
    aws.events.createEventBus(b -> b.name("sherlock"));
    String queueArn = "arn:aws:sqs:us-east-1:123456789012:ecs-events";
    aws.events.putRule(
        b ->
            b.name("findings")
                .eventBusName("sherlock")
                .eventPattern("{\"source\": [\"sherlock\"]}"));
    aws.events.putTargets(
        b -> b.rule("findings").eventBusName("sherlock").targets(t -> t.id("q").arn(queueArn)));

    var response =
        aws.events.putEvents(
            b ->
                b.entries(
                    PutEventsRequestEntry.builder()
                        .eventBusName("sherlock")
                        .source("sherlock")
                        .detailType("Snapshot")
                        .detail("{\"id\": 1}")
                        .build(),
                    PutEventsRequestEntry.builder()
                        .source("sherlock")
                        .detailType("Snapshot")
                        .detail("{\"id\": 2}")
                        .build(),
                    PutEventsRequestEntry.builder()
                        .eventBusName("sherlock")
                        .source("sherlock")
                        .detailType("Bad")
                        .detail("not json")
                        .build()));

    assertThat(response.failedEntryCount()).isEqualTo(1);
    assertThat(response.entries().get(2).errorCode()).isEqualTo("MalformedDetail");
    List<JsonNode> received = receiveAtLeast(1);
    assertThat(received)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.path("detail-type").asText()).isEqualTo("Snapshot");
              assertThat(e.at("/detail/id").asInt()).isEqualTo(1);
            });
  }

  @Test
  void atLeastOnceCanMeanTwiceAndOutOfOrderWhenAskedFor() throws Exception {
    rule("tasks", "{\"source\": [\"aws.ecs\"], \"detail-type\": [\"ECS Task State Change\"]}");
    aws.sandbox.eventDelivery().chaos(1.0, 0.0);
    startService("web", 1);

    List<JsonNode> events = receiveAtLeast(6);

    var ids =
        events.stream()
            .map(e -> e.path("id").asText())
            .collect(Collectors.groupingBy(i -> i, Collectors.counting()));
    assertThat(ids.values()).contains(2L);
  }

  @Test
  void rulesAreDescribedListedAndDeletedOnlyWithoutTargets() {
    rule("tasks", "{\"source\": [\"aws.ecs\"]}");

    assertThat(aws.events.describeRule(b -> b.name("tasks")).eventPattern()).contains("aws.ecs");
    assertThat(aws.events.listRules(b -> b.namePrefix("ta")).rules()).hasSize(1);
    assertThat(aws.events.listTargetsByRule(b -> b.rule("tasks")).targets())
        .singleElement()
        .satisfies(
            t -> assertThat(t.arn()).isEqualTo("arn:aws:sqs:us-east-1:123456789012:ecs-events"));
    assertThatThrownBy(() -> aws.events.deleteRule(b -> b.name("tasks")))
        .hasMessageContaining("Rule can't be deleted since it has targets.");
    aws.events.removeTargets(b -> b.rule("tasks").ids("q"));
    aws.events.deleteRule(b -> b.name("tasks"));
    assertThat(aws.events.listRules(b -> b.namePrefix("ta")).rules()).isEmpty();
  }

  private void rule(String name, String pattern) {
    aws.events.putRule(b -> b.name(name).eventPattern(pattern));
    aws.events.putTargets(
        b ->
            b.rule(name)
                .targets(t -> t.id("q").arn("arn:aws:sqs:us-east-1:123456789012:ecs-events")));
  }

  private boolean test(String rule, String event) {
    String pattern = aws.events.describeRule(b -> b.name(rule)).eventPattern();
    return aws.events.testEventPattern(b -> b.eventPattern(pattern).event(event)).result();
  }

  private static String event(String lastStatus, String stopCode, int exitCode, String group) {
    return """
        {"id": "1", "version": "0", "account": "123456789012", "region": "us-east-1", "time": "2026-11-20T09:00:00Z",
         "source": "aws.ecs", "detail-type": "ECS Task State Change", "resources": [],
         "detail": {"lastStatus": "%s", "stopCode": "%s", "group": "%s", "stoppedReason": "Essential container in task exited",
                    "containers": [{"name": "sidecar", "exitCode": 0}, {"name": "app", "exitCode": %d}]}}"""
        .formatted(lastStatus, stopCode, group, exitCode);
  }

  private void startService(String name, int desired) {
    aws.ecs.createCluster(b -> b.clusterName("demo"));
    aws.ecs.registerTaskDefinition(EcsIT.taskDefinition(name, "busybox:1"));
    aws.ecs.createService(
        b ->
            b.cluster("demo")
                .serviceName(name)
                .taskDefinition(name)
                .desiredCount(desired)
                .launchType(LaunchType.FARGATE)
                .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-1"))));
    aws.sandbox.advance(Duration.ofSeconds(30));
  }

  private List<JsonNode> receiveAtLeast(int count) {
    List<JsonNode> events = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              for (Message m :
                  aws.sqs
                      .receiveMessage(
                          b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
                      .messages()) {
                events.add(JSON.readTree(m.body()));
                aws.sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
              }
              return events.size() >= count;
            });
    return events;
  }
}
