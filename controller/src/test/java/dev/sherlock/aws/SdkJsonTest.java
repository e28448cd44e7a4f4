package dev.sherlock.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.ecs.model.Service;

class SdkJsonTest {
  // Timestamps are written as exact decimals, so compare with a reader that keeps them exact.
  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();

  @Test
  void readsWhatTheAwsCliPrintsIncludingIsoTimestampsAndNestedShapes() throws Exception {
    JsonNode json =
        JSON.readTree(
            """
            {"serviceName": "like-service", "desiredCount": 2, "enableExecuteCommand": false,
             "deployments": [{"id": "ecs-svc/1", "rolloutState": "IN_PROGRESS",
                              "createdAt": "2026-11-20T09:12:44.120000+00:00"}],
             "tags": [{"key": "team", "value": "mysfits"}], "notAField": 1}
            """);

    Service service = SdkJson.read(json, Service.builder());

    assertThat(service.serviceName()).isEqualTo("like-service");
    assertThat(service.desiredCount()).isEqualTo(2);
    assertThat(service.deployments().getFirst().rolloutStateAsString()).isEqualTo("IN_PROGRESS");
    assertThat(service.deployments().getFirst().createdAt())
        .isEqualTo(Instant.parse("2026-11-20T09:12:44.120Z"));
    assertThat(service.tags().getFirst().key()).isEqualTo("team");
  }

  @Test
  void writesTheWireFormatAndReadsItBack() throws Exception {
    JsonNode json =
        JSON.readTree(
            """
            {"serviceName": "s", "createdAt": 1763630000.5, "deploymentConfiguration":
              {"maximumPercent": 200, "deploymentCircuitBreaker": {"enable": true, "rollback": true}}}
            """);

    Service service = SdkJson.read(json, Service.builder());

    assertThat(SdkJson.write(service)).isEqualTo(json);
    assertThat(SdkJson.<Service>read(SdkJson.write(service), Service.builder())).isEqualTo(service);
  }

  @Test
  void usesEachServicesOwnMemberNames() throws Exception {
    // Application Auto Scaling's JSON protocol capitalises its members; ECS's does not.
    JsonNode json =
        JSON.readTree("{\"ResourceId\": \"service/mysfits/monolith\", \"MinCapacity\": 2}");

    ScalableTarget target = SdkJson.read(json, ScalableTarget.builder());

    assertThat(target.resourceId()).isEqualTo("service/mysfits/monolith");
    assertThat(target.minCapacity()).isEqualTo(2);
  }

  @Test
  void fieldsThatWereNeverSetStayAbsent() {
    assertThat(SdkJson.write(Service.builder().serviceName("s").build()).toString())
        .isEqualTo("{\"serviceName\":\"s\"}");
  }
}
