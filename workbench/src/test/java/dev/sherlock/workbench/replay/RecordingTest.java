package dev.sherlock.workbench.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The inputs a replay reads, and the line of one it cannot use. */
class RecordingTest {
  @TempDir Path dir;

  private static final String EVENT =
      """
      {"id": "e1", "source": "aws.ecs", "detail-type": "ECS Task State Change", "time": "2026-12-07T10:05:00Z", "detail": {}}""";

  @Test
  void aRecordingHasItsStartEventsAndDatapoints() throws Exception {
    Path file =
        write(
            """
            {"type":"recording","at":"2026-12-07T10:00:00Z","version":1,"started":"2026-12-07T10:00:00Z"}
            {"type":"event","at":"2026-12-07T10:06:00Z","event":%s}
            {"type":"metric","at":"2026-12-07T10:03:00Z","namespace":"AWS/ECS","name":"CPUUtilization","dimensions":{"ServiceName":"web"},"statistic":"Average","period":60,"points":[["2026-12-07T10:01:00Z",95.0],["2026-12-07T10:02:00Z",96.5]]}
            """
                .formatted(EVENT));
    Recording recording = Recording.read(file);
    assertThat(recording.started()).isEqualTo(Instant.parse("2026-12-07T10:00:00Z"));
    assertThat(recording.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.at()).isEqualTo(Instant.parse("2026-12-07T10:06:00Z"));
              assertThat(e.body().path("id").asText()).isEqualTo("e1");
            });
    assertThat(recording.datapoints())
        .extracting(Recording.Datapoint::value)
        .containsExactly(95.0, 96.5);
    assertThat(recording.end()).isEqualTo(Instant.parse("2026-12-07T10:06:00Z"));
  }

  @Test
  void exportedEventsAreTimedByTheirOwnTime() throws Exception {
    Instant time = Instant.parse("2026-12-07T10:05:00Z");
    Recording lines = Recording.read(write(EVENT + "\n"));
    Recording array = Recording.read(write("[\n" + EVENT + "\n]"));
    String body = EVENT.replace("\"", "\\\"");
    Recording sqs = Recording.read(write("{\n \"Messages\": [{\"Body\": \"" + body + "\"}]\n}"));
    Recording compact = Recording.read(write("{\"Messages\": [{\"Body\": \"" + body + "\"}]}\n"));
    for (Recording r : new Recording[] {lines, array, sqs, compact}) {
      assertThat(r.events()).singleElement().satisfies(e -> assertThat(e.at()).isEqualTo(time));
      assertThat(r.started()).isEqualTo(time.minusSeconds(60));
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "not JSON | {\"type\":\"event\" | :1: error: not JSON",
        "not an event | {\"hello\": 1} | :1: error: neither a line of a recording, an EventBridge event nor a CloudTrail record",
        "a bad time | {\"type\":\"event\",\"at\":\"yesterday\",\"event\":{}} | :1: error: 'at' is not an ISO-8601 instant",
        "a newer version | {\"type\":\"recording\",\"version\":9,\"started\":\"2026-12-07T10:00:00Z\"} | :1: error: a recording of version 9",
        "an empty array | [] | :1: error: no events or metric datapoints to replay",
        "CloudTrail's records not a list | {\"Records\": \"x\"} | :1: error: neither a line of a recording, an EventBridge event nor a CloudTrail record",
        "a lookup-events event not JSON | {\"Events\": [{\"CloudTrailEvent\": \"{oops\"}]} | :1: error: a CloudTrailEvent that is not JSON",
        "a record's bad time | {\"eventSource\": \"ecs.amazonaws.com\", \"eventName\": \"UpdateService\", \"eventTime\": \"noon\"} | :1: error: 'eventTime' is not an ISO-8601 instant",
      })
  void whatCannotBeReplayedIsNamedAtItsLine(String name, String content, String message)
      throws IOException {
    Path file = write(content);
    assertThatThrownBy(() -> Recording.read(file))
        .isInstanceOf(Recording.ReadException.class)
        .hasMessageStartingWith(file + message);
  }

  private static final String RECORD =
      """
      {"eventVersion": "1.08", "eventTime": "2026-12-07T09:58:00Z", "eventSource": "ecs.amazonaws.com", "eventName": "UpdateService", "awsRegion": "eu-west-1", "userAgent": "aws-cli/2.17", "requestParameters": {"cluster": "mysfits", "service": "like-service", "taskDefinition": "like-service:8"}, "eventID": "c1", "recipientAccountId": "123456789012"}""";

  /**
   * CloudTrail's forms - a log file, {@code lookup-events} output, records as lines - are each call
   * as EventBridge delivers it, timed by its {@code eventTime}.
   */
  @Test
  void cloudTrailCallsAreEventsAsEventBridgeDeliversThem() throws Exception {
    Instant time = Instant.parse("2026-12-07T09:58:00Z");
    Recording logFile = Recording.read(write("{\"Records\": [" + RECORD + "]}"));
    String escaped = RECORD.replace("\"", "\\\"");
    Recording lookup =
        Recording.read(
            write(
                "{\n \"Events\": [{\"EventId\": \"c1\", \"CloudTrailEvent\": \""
                    + escaped
                    + "\"}]\n}"));
    Recording lines = Recording.read(write(RECORD + "\n" + EVENT + "\n"));
    for (Recording r : new Recording[] {logFile, lookup, lines}) {
      assertThat(r.events().getFirst())
          .satisfies(
              e -> {
                assertThat(e.at()).isEqualTo(time);
                assertThat(e.body().path("detail-type").asText())
                    .isEqualTo("AWS API Call via CloudTrail");
                assertThat(e.body().path("source").asText()).isEqualTo("aws.ecs");
                assertThat(e.body().path("region").asText()).isEqualTo("eu-west-1");
                assertThat(e.body().at("/detail/requestParameters/taskDefinition").asText())
                    .isEqualTo("like-service:8");
              });
    }
    assertThat(lines.events()).hasSize(2);
  }

  @Test
  void anEmptyFileHasNothingToReplay() throws IOException {
    Path file = write("");
    assertThatThrownBy(() -> Recording.read(file))
        .hasMessage(file + ":1: error: empty: no events to replay");
  }

  private Path write(String content) throws IOException {
    Path file = Files.createTempFile(dir, "recording", ".jsonl");
    Files.writeString(file, content);
    return file;
  }
}
