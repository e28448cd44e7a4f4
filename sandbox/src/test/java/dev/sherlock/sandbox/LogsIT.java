package dev.sherlock.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.InvalidParameterException;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

/** CloudWatch Logs through the real SDK client, and the apps' own logs honouring LOGLEVEL. */
class LogsIT {
  private SandboxClients aws;

  @BeforeEach
  void start() {
    aws = new SandboxClients();
  }

  @AfterEach
  void stop() {
    aws.close();
  }

  @Test
  void groupsStreamsAndEventsRoundTrip() {
    aws.logs.createLogGroup(b -> b.logGroupName("/app"));
    aws.logs.createLogStream(b -> b.logGroupName("/app").logStreamName("web/app/1"));
    aws.logs.putLogEvents(
        b ->
            b.logGroupName("/app")
                .logStreamName("web/app/1")
                .logEvents(
                    event(1000, "INFO: started"),
                    event(2000, "ERROR: boom"),
                    event(3000, "INFO: done")));

    List<OutputLogEvent> tail =
        aws.logs
            .getLogEvents(b -> b.logGroupName("/app").logStreamName("web/app/1").limit(2))
            .events();
    List<OutputLogEvent> head =
        aws.logs
            .getLogEvents(
                b -> b.logGroupName("/app").logStreamName("web/app/1").startFromHead(true).limit(2))
            .events();

    assertThat(tail)
        .extracting(OutputLogEvent::message)
        .containsExactly("ERROR: boom", "INFO: done");
    assertThat(head)
        .extracting(OutputLogEvent::message)
        .containsExactly("INFO: started", "ERROR: boom");
    assertThat(aws.logs.describeLogStreams(b -> b.logGroupName("/app")).logStreams())
        .singleElement()
        .satisfies(s -> assertThat(s.lastEventTimestamp()).isEqualTo(3000L));
    assertThatThrownBy(() -> aws.logs.createLogGroup(b -> b.logGroupName("/app")))
        .isInstanceOf(ResourceAlreadyExistsException.class);
    assertThatThrownBy(() -> aws.logs.getLogEvents(b -> b.logGroupName("/nope").logStreamName("x")))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void eventsOfOneBatchMustBeChronological() {
    aws.logs.createLogGroup(b -> b.logGroupName("/app"));
    aws.logs.createLogStream(b -> b.logGroupName("/app").logStreamName("s"));

    assertThatThrownBy(
            () ->
                aws.logs.putLogEvents(
                    b ->
                        b.logGroupName("/app")
                            .logStreamName("s")
                            .logEvents(event(2000, "b"), event(1000, "a"))))
        .isInstanceOf(InvalidParameterException.class);
  }

  @Test
  void filterPatternsSelectTermsAlternativesPhrasesAndExclusions() {
    aws.logs.createLogGroup(b -> b.logGroupName("/app"));
    aws.logs.createLogStream(b -> b.logGroupName("/app").logStreamName("a"));
    aws.logs.createLogStream(b -> b.logGroupName("/app").logStreamName("b"));
    aws.logs.putLogEvents(
        b ->
            b.logGroupName("/app")
                .logStreamName("a")
                .logEvents(
                    event(1000, "ERROR: db timeout"),
                    event(2000, "WARN: slow request"),
                    event(3000, "INFO: ok")));
    aws.logs.putLogEvents(
        b ->
            b.logGroupName("/app")
                .logStreamName("b")
                .logEvents(event(1500, "ERROR: db refused"), event(2500, "INFO: chaos mode off")));

    assertThat(filter("ERROR db")).containsExactly("ERROR: db timeout", "ERROR: db refused");
    assertThat(filter("?WARN ?refused")).containsExactly("ERROR: db refused", "WARN: slow request");
    assertThat(filter("\"chaos mode\"")).containsExactly("INFO: chaos mode off");
    assertThat(filter("ERROR -timeout")).containsExactly("ERROR: db refused");
    var limited = aws.logs.filterLogEvents(b -> b.logGroupName("/app").limit(2));
    var rest =
        aws.logs.filterLogEvents(
            b -> b.logGroupName("/app").limit(2).nextToken(limited.nextToken()));
    assertThat(limited.events()).hasSize(2);
    assertThat(rest.events()).extracting(FilteredLogEvent::timestamp).containsExactly(2000L, 2500L);
    var window =
        aws.logs.filterLogEvents(b -> b.logGroupName("/app").startTime(1500L).endTime(2500L));
    assertThat(window.events())
        .extracting(FilteredLogEvent::message)
        .containsExactly("ERROR: db refused", "WARN: slow request");
  }

  @Test
  void atErrorLevelTheChaosCauseNeverShowsAtDebugItDoes() {
    MysfitsWorld.seed(aws.sandbox);
    aws.sandbox.advance(Duration.ofMinutes(2));

    List<String> atError = messages("like-service");
    assertThat(atError).isNotEmpty().allSatisfy(m -> assertThat(m).startsWith("ERROR"));
    assertThat(atError).noneMatch(m -> m.contains("chaos"));

    var definition =
        aws.ecs.describeTaskDefinition(b -> b.taskDefinition("like-service")).taskDefinition();
    var debug =
        definition.containerDefinitions().getFirst().toBuilder()
            .environment(
                e -> e.name("LOGLEVEL").value("DEBUG"), e -> e.name("CHAOSMODE").value("on"))
            .build();
    var revision2 =
        aws.ecs
            .registerTaskDefinition(
                b ->
                    b.family("like-service")
                        .networkMode("awsvpc")
                        .requiresCompatibilities(definition.requiresCompatibilities())
                        .cpu(definition.cpu())
                        .memory(definition.memory())
                        .containerDefinitions(debug))
            .taskDefinition();
    aws.ecs.updateService(
        b ->
            b.cluster("mysfits")
                .service("like-service")
                .taskDefinition(revision2.taskDefinitionArn()));
    aws.sandbox.advance(Duration.ofMinutes(2));

    var warn =
        aws.logs
            .filterLogEvents(
                b ->
                    b.logGroupName("/ecs/mysfits/like-service")
                        .filterPattern("\"chaos mode injected\""))
            .events();
    assertThat(warn)
        .isNotEmpty()
        .allSatisfy(
            e -> assertThat(e.message()).matches("WARN: chaos mode injected \\d+ ms delay on .*"));
    assertThat(
            aws.logs
                .filterLogEvents(
                    b -> b.logGroupName("/ecs/mysfits/like-service").filterPattern("DEBUG"))
                .events())
        .isNotEmpty();
    assertThat(warn)
        .allSatisfy(e -> assertThat(e.logStreamName()).matches("like/like-service/[0-9a-f]{32}"));
  }

  private List<String> messages(String service) {
    return aws
        .logs
        .filterLogEvents(b -> b.logGroupName("/ecs/mysfits/" + service))
        .events()
        .stream()
        .map(FilteredLogEvent::message)
        .toList();
  }

  private List<String> filter(String pattern) {
    return aws
        .logs
        .filterLogEvents(b -> b.logGroupName("/app").filterPattern(pattern))
        .events()
        .stream()
        .map(FilteredLogEvent::message)
        .toList();
  }

  private static InputLogEvent event(long timestamp, String message) {
    return InputLogEvent.builder().timestamp(timestamp).message(message).build();
  }
}
