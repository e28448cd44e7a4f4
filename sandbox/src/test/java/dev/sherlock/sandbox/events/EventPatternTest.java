package dev.sherlock.sandbox.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** EventBridge's matching rules, one operator at a time, on one ECS-like event. */
class EventPatternTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String EVENT =
      """
      {"source": "aws.ecs", "detail-type": "ECS Task State Change", "resources": ["arn:a", "arn:b"],
       "detail": {"lastStatus": "STOPPED", "group": "service:like-service", "cpu": "256", "version": 7,
                  "containers": [{"name": "app", "exitCode": 137}, {"name": "proxy", "exitCode": 0}],
                  "overrides": {}}}""";

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"source\": [\"aws.ecs\"]}                                             | true",
        "{\"source\": [\"aws.ec2\", \"aws.ecs\"]}                                | true",
        "{\"source\": [\"aws.ec2\"]}                                             | false",
        "{\"resources\": [\"arn:b\"]}                                            | true",
        "{\"detail\": {\"group\": [{\"prefix\": \"service:\"}]}}                 | true",
        "{\"detail\": {\"group\": [{\"suffix\": \"-service\"}]}}                 | true",
        "{\"detail\": {\"lastStatus\": [{\"anything-but\": \"RUNNING\"}]}}       | true",
        "{\"detail\": {\"lastStatus\": [{\"anything-but\": [\"STOPPED\"]}]}}     | false",
        "{\"detail\": {\"group\": [{\"anything-but\": {\"prefix\": \"family:\"}}]}} | true",
        "{\"detail\": {\"version\": [{\"numeric\": [\">\", 5, \"<=\", 7]}]}}     | true",
        "{\"detail\": {\"version\": [{\"numeric\": [\">\", 7]}]}}                | false",
        "{\"detail\": {\"cpu\": [{\"numeric\": [\">\", 1]}]}}                    | false",
        "{\"detail\": {\"stopCode\": [{\"exists\": false}]}}                     | true",
        "{\"detail\": {\"stopCode\": [{\"exists\": true}]}}                      | false",
        "{\"detail\": {\"overrides\": [{\"exists\": true}]}}                     | false",
        "{\"detail\": {\"lastStatus\": [{\"equals-ignore-case\": \"stopped\"}]}} | true",
        "{\"detail\": {\"group\": [{\"wildcard\": \"service:*-service\"}]}}      | true",
        "{\"detail\": {\"containers\": {\"exitCode\": [137]}}}                   | true",
        "{\"detail\": {\"containers\": {\"exitCode\": [1]}}}                     | false",
        "{\"$or\": [{\"source\": [\"x\"]}, {\"detail\": {\"version\": [7]}}]}    | true",
        "{\"detail\": {\"missing\": {\"deeper\": [\"x\"]}}}                      | false",
      })
  void matches(String pattern, boolean expected) throws Exception {
    JsonNode event = JSON.readTree(EVENT);

    assertThat(EventPattern.parse(JSON.readTree(pattern)).matches(event)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{}",
        "{\"source\": \"aws.ecs\"}",
        "{\"source\": []}",
        "{\"a\": [{\"prefix\": 1}]}",
        "{\"a\": [{\"numeric\": [\">\"]}]}",
        "{\"a\": [{\"unknown\": 1}]}",
        "{\"$or\": [{\"a\": [1]}]}",
      })
  void rejects(String pattern) {
    assertThatThrownBy(() -> EventPattern.parse(JSON.readTree(pattern)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
