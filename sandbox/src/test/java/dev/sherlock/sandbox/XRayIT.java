package dev.sherlock.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.xray.model.InvalidRequestException;
import software.amazon.awssdk.services.xray.model.Trace;
import software.amazon.awssdk.services.xray.model.TraceSummary;

/**
 * X-Ray through the SDK's own client: the apps trace only from tasks that run a daemon on UDP 2000,
 * the filter expression finds the slow and failed requests of one service, and a chaos delay is a
 * subsegment of its own.
 */
class XRayIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
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
  void aServiceWithoutADaemonSendsNoTraces() {
    aws.sandbox.advance(Duration.ofMinutes(2));
    assertThat(summaries("")).isEmpty();
  }

  @Test
  void withADaemonTheSlowRequestsTimeGoesToTheChaosDelay() throws Exception {
    attachDaemon("like-service");
    aws.sandbox.advance(Duration.ofMinutes(3));

    List<TraceSummary> all = summaries("service(\"like-service\")");
    List<TraceSummary> slow =
        summaries("service(\"like-service\") AND (responsetime > 1 OR error OR fault)");
    assertThat(all).hasSizeGreaterThan(20);
    assertThat(slow).isNotEmpty().hasSizeLessThan(all.size());
    assertThat(slow).allMatch(s -> s.responseTime() > 1 || s.hasError() || s.hasFault());
    assertThat(summaries("service(\"monolith\")")).as("only the traced service").isEmpty();

    TraceSummary slowest =
        slow.stream().max(java.util.Comparator.comparing(TraceSummary::responseTime)).orElseThrow();
    List<Trace> traces = aws.xray.batchGetTraces(b -> b.traceIds(slowest.id())).traces();
    assertThat(traces).hasSize(1);
    JsonNode segment = JSON.readTree(traces.getFirst().segments().getFirst().document());
    assertThat(segment.path("name").asText()).isEqualTo("like-service");
    assertThat(segment.path("trace_id").asText()).isEqualTo(slowest.id());
    assertThat(segment.path("subsegments"))
        .extracting(s -> s.path("name").asText())
        .contains("chaos-delay", "DynamoDB");
  }

  @Test
  void anExpressionItCannotParseIsRefusedNotMatchedAll() {
    attachDaemon("like-service");
    aws.sandbox.advance(Duration.ofMinutes(1));
    assertThatThrownBy(() -> summaries("annotation.user = \"x\""))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("annotation.user");
    assertThatThrownBy(
            () ->
                aws.xray.batchGetTraces(b -> b.traceIds("1-a", "1-b", "1-c", "1-d", "1-e", "1-f")))
        .isInstanceOf(InvalidRequestException.class);
  }

  private List<TraceSummary> summaries(String filter) {
    Instant now = aws.sandbox.now();
    return aws
        .xray
        .getTraceSummariesPaginator(
            b ->
                b.startTime(now.minus(Duration.ofMinutes(30)))
                    .endTime(now)
                    .filterExpression(filter.isEmpty() ? null : filter))
        .traceSummaries()
        .stream()
        .toList();
  }

  private void attachDaemon(String service) {
    var definition =
        aws.ecs.describeTaskDefinition(b -> b.taskDefinition(service)).taskDefinition();
    ContainerDefinition daemon =
        ContainerDefinition.builder()
            .name("xray-daemon")
            .image("public.ecr.aws/xray/aws-xray-daemon:3.3.7")
            .essential(false)
            .memory(256)
            .portMappings(p -> p.containerPort(2000).protocol("udp"))
            .build();
    String arn =
        aws.ecs
            .registerTaskDefinition(
                b ->
                    b.family(service)
                        .networkMode("awsvpc")
                        .requiresCompatibilities(definition.requiresCompatibilities())
                        .cpu(definition.cpu())
                        .memory(definition.memory())
                        .containerDefinitions(definition.containerDefinitions().getFirst(), daemon))
            .taskDefinition()
            .taskDefinitionArn();
    aws.ecs.updateService(b -> b.cluster("mysfits").service(service).taskDefinition(arn));
  }
}
