package dev.sherlock.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sherlock.UserError;
import io.micronaut.context.ApplicationContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code --record} writes: events redacted as findings are, each datapoint once. */
class RecorderTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void eventsAreRedactedAndDatapointsRecordedOnce(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("rec.jsonl");
    Instant t1 = Instant.parse("2026-12-07T10:00:00Z");
    Instant t2 = Instant.parse("2026-12-07T10:01:00Z");
    try (ApplicationContext context =
        ApplicationContext.run(Map.of(Recorder.PROPERTY, file.toString()))) {
      Recorder recorder = context.getBean(Recorder.class);
      recorder.event(
          """
          {"id": "e1", "detail-type": "ECS Task State Change", "source": "aws.ecs",
           "detail": {"overrides": {"containerOverrides": [{"name": "app", "environment": [
             {"name": "DB_PASSWORD", "value": "hunter2-s3cret"}, {"name": "LOGLEVEL", "value": "DEBUG"}]}]}}}""");
      recorder.event("not json: dropped, as a poison message is");
      Map<String, String> dims = Map.of("ClusterName", "mysfits", "ServiceName", "web");
      recorder.metric("AWS/ECS", "CPUUtilization", dims, "Average", 60, List.of(t1), List.of(20.0));
      recorder.metric(
          "AWS/ECS", "CPUUtilization", dims, "Average", 60, List.of(t2, t1), List.of(95.0, 20.0));
    }
    List<JsonNode> lines = Files.readAllLines(file).stream().map(RecorderTest::parse).toList();
    assertThat(lines)
        .extracting(l -> l.path("type").asText())
        .containsExactly("recording", "event", "metric", "metric");
    assertThat(lines.get(0).path("version").asInt()).isEqualTo(Recorder.VERSION);
    String event = lines.get(1).path("event").toString();
    assertThat(event).doesNotContain("hunter2").contains("DB_PASSWORD", "LOGLEVEL", "DEBUG");
    assertThat(lines.get(2).path("points").toString()).isEqualTo("[[\"" + t1 + "\",20.0]]");
    assertThat(lines.get(3).path("points").toString()).isEqualTo("[[\"" + t2 + "\",95.0]]");
  }

  @Test
  void aFileThatCannotBeWrittenIsOneLine(@TempDir Path dir) {
    Path file = dir.resolve("missing/rec.jsonl");
    try (ApplicationContext context =
        ApplicationContext.run(Map.of(Recorder.PROPERTY, file.toString()))) {
      assertThatThrownBy(() -> context.getBean(Recorder.class))
          .satisfies(
              e ->
                  assertThat(UserError.in(e))
                      .hasValueSatisfying(
                          u ->
                              assertThat(u.getMessage())
                                  .startsWith("cannot write --record " + file)));
    }
  }

  @Test
  void withoutTheOptionNothingIsWritten() {
    try (ApplicationContext context = ApplicationContext.run()) {
      Recorder recorder = context.getBean(Recorder.class);
      recorder.event("{\"id\": \"e1\"}");
      assertThat(recorder.recording()).isFalse();
    }
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
