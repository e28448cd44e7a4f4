package dev.sherlock.workbench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sherlock.plan.ClusterState;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A world read from a {@code plan --state} file, and the files that describe no one world. */
class StateWorldTest {
  @TempDir Path dir;

  private static final String SERVICE =
      """
      {"serviceName": "%s", "serviceArn": "arn:aws:ecs:%s:123456789012:service/%s/%s",
       "taskDefinition": "%s"}""";

  private static final String DEFINITION =
      """
      {"taskDefinition": {"family": "web", "revision": 4, "containerDefinitions": [{"name": "web", "image": "nginx"}],
        "taskDefinitionArn": "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:4"}}""";

  @Test
  void theExampleStateIsAWorldInItsOwnRegionAndAccount() throws Exception {
    StateWorld world =
        StateWorld.read(Path.of("..").resolve("policies/state/mysfits.json").normalize());
    assertThat(world.region()).isEqualTo("eu-west-1");
    assertThat(world.account()).isEqualTo("123456789012");
    assertThat(world.services())
        .containsExactly(
            new World.Service("mysfits", "like-service"), new World.Service("mysfits", "monolith"));
    assertThat(world.service("mysfits/monolith")).isEqualTo(world.service("monolith"));
  }

  @Test
  void aNameInTwoClustersIsNamedWithItsCluster() throws Exception {
    Path file =
        write(
            "{\"services\": [%s, %s], \"taskDefinitions\": [%s]}"
                .formatted(
                    SERVICE.formatted("web", "eu-west-1", "prod", "web", "web:4"),
                    SERVICE.formatted("web", "eu-west-1", "staging", "web", "web:4"),
                    DEFINITION));
    World world = StateWorld.read(file);
    assertThat(world.service("staging/web")).isEqualTo(new World.Service("staging", "web"));
    assertThatThrownBy(() -> world.service("web"))
        .hasMessage("service web is in several clusters; name one of prod/web, staging/web");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "no services | {\"services\": []} | no services: a world needs at least one",
        "a task definition it lacks | {\"services\": [SVC(web:9)], \"taskDefinitions\": [DEF]} |"
            + " services[0] (web): its task definition web:9 is not in taskDefinitions",
        "two regions | {\"services\": [SVC(web:4), EU2], \"taskDefinitions\": [DEF]} |"
            + " the services are in several regions or accounts",
        "not an ARN | {\"services\": [{\"serviceName\": \"web\", \"serviceArn\": \"web\"}]} |"
            + " services[0]: serviceArn web is not arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/NAME",
      })
  void aFileThatIsNotOneWorldIsRefusedInOneLine(String name, String content, String message)
      throws Exception {
    Path file =
        write(
            content
                .replace(
                    "SVC(web:9)", SERVICE.formatted("web", "eu-west-1", "prod", "web", "web:9"))
                .replace(
                    "SVC(web:4)", SERVICE.formatted("web", "eu-west-1", "prod", "web", "web:4"))
                .replace("EU2", SERVICE.formatted("api", "eu-west-2", "prod", "api", "web:4"))
                .replace("DEF", DEFINITION));
    assertThatThrownBy(() -> StateWorld.read(file))
        .isInstanceOf(ClusterState.StateException.class)
        .hasMessageStartingWith(file + ": error: " + message)
        .hasMessageNotContaining("\n");
  }

  private Path write(String content) throws Exception {
    return Files.writeString(Files.createTempFile(dir, "state", ".json"), content);
  }
}
