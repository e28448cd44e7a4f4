package dev.sherlock.overlay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.RepoFiles;
import dev.sherlock.aws.SdkJson;
import dev.sherlock.plan.ClusterState;
import dev.sherlock.policy.Action;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Tag;

/**
 * The overlay revision is the base revision plus the overlay and nothing else: every other field
 * (roles, secrets, volumes, logging, platform) is carried over exactly.
 */
class TaskDefinitionOverlayTest {
  private static final Action.AttachSidecar XRAY =
      new Action.AttachSidecar(
          "xray-daemon",
          "public.ecr.aws/xray/aws-xray-daemon:3.3.7",
          Optional.of(32),
          Optional.of(256),
          Optional.empty(),
          Optional.empty(),
          List.of(new Action.AttachSidecar.PortMapping(2000, Optional.of("udp"))),
          Map.of(),
          List.of());

  private DescribeTaskDefinitionResponse base;

  @BeforeEach
  void readTheExampleBase() throws Exception {
    base =
        ClusterState.read(RepoFiles.exampleState()).taskDefinition("like-service:7").orElseThrow();
  }

  @Test
  void everyFieldOfTheBaseIsCarriedOver() {
    Overlay overlay =
        Overlay.of(
            List.of(new Action.SetEnvironment("like-service", Map.of("LOGLEVEL", "DEBUG")), XRAY));

    var result =
        TaskDefinitionOverlay.apply(
            base.taskDefinition(), base.tags(), overlay, TaskDefinitionOverlay.Ownership.of("s-1"));

    assertThat(result.problems()).isEmpty();
    ObjectNode before =
        SdkJson.write(TaskDefinitionOverlay.asRegistration(base.taskDefinition(), base.tags()));
    ObjectNode after = SdkJson.write(result.request());
    assertThat(before.fieldNames())
        .toIterable()
        .contains(
            "taskRoleArn",
            "executionRoleArn",
            "volumes",
            "runtimePlatform",
            "ephemeralStorage",
            "cpu",
            "memory");
    ObjectNode appBefore = (ObjectNode) before.path("containerDefinitions").get(0);
    ObjectNode appAfter = (ObjectNode) after.path("containerDefinitions").get(0);
    appBefore.remove("environment");
    appAfter.remove("environment");
    assertThat(appAfter).isEqualTo(appBefore);
    for (ObjectNode json : List.of(before, after)) {
      json.remove(List.of("containerDefinitions", "tags"));
    }
    assertThat(after).isEqualTo(before);
  }

  @Test
  void theEnvironmentIsMergedNotReplaced() {
    Overlay overlay =
        Overlay.of(List.of(new Action.SetEnvironment("like-service", Map.of("LOGLEVEL", "DEBUG"))));

    RegisterTaskDefinitionRequest request =
        TaskDefinitionOverlay.apply(
                base.taskDefinition(),
                base.tags(),
                overlay,
                TaskDefinitionOverlay.Ownership.of("s-1"))
            .request();

    assertThat(request.containerDefinitions().getFirst().environment())
        .extracting(KeyValuePair::name, KeyValuePair::value)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("LOGLEVEL", "DEBUG"),
            org.assertj.core.groups.Tuple.tuple("CHAOSMODE", "on"),
            org.assertj.core.groups.Tuple.tuple("DDB_TABLE_NAME", "mysfits"));
    assertThat(request.containerDefinitions().getFirst().secrets())
        .isEqualTo(base.taskDefinition().containerDefinitions().getFirst().secrets());
  }

  @Test
  void theRevisionIsTaggedSoItCanBeRecognisedAfterACrash() {
    Overlay overlay = Overlay.of(List.of(XRAY));

    RegisterTaskDefinitionRequest request =
        TaskDefinitionOverlay.apply(
                base.taskDefinition(),
                base.tags(),
                overlay,
                new TaskDefinitionOverlay.Ownership(
                    List.of("s-1", "s-2"), List.of(), java.util.Optional.empty()))
            .request();

    assertThat(request.tags())
        .extracting(Tag::key, Tag::value)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("team", "mysfits"),
            org.assertj.core.groups.Tuple.tuple("sherlock:managed", "true"),
            org.assertj.core.groups.Tuple.tuple(
                "sherlock:base", base.taskDefinition().taskDefinitionArn()),
            org.assertj.core.groups.Tuple.tuple("sherlock:session", "s-1,s-2"),
            org.assertj.core.groups.Tuple.tuple(
                "sherlock:overlay", TaskDefinitionOverlay.hash(overlay)));
  }

  @Test
  void theOverlayHashIsStableAndTellsOverlaysApart() {
    Overlay debug =
        Overlay.of(List.of(new Action.SetEnvironment("app", Map.of("A", "1", "B", "2"))));
    Overlay sameInOtherOrder =
        Overlay.of(List.of(new Action.SetEnvironment("app", Map.of("B", "2", "A", "1"))));
    Overlay other =
        Overlay.of(List.of(new Action.SetEnvironment("app", Map.of("A", "1", "B", "3"))));

    assertThat(TaskDefinitionOverlay.hash(debug))
        .hasSize(16)
        .isEqualTo(TaskDefinitionOverlay.hash(sameInOtherOrder))
        .isNotEqualTo(TaskDefinitionOverlay.hash(other));
  }

  @Test
  void whatCannotBeAppliedIsReportedNotGuessed() {
    Action.AttachSidecar hungry =
        new Action.AttachSidecar(
            "profiler",
            "public.ecr.aws/x/profiler:1",
            Optional.empty(),
            Optional.of(1024),
            Optional.empty(),
            Optional.empty(),
            List.of(),
            Map.of(),
            List.of());
    Action.AttachSidecar clash =
        new Action.AttachSidecar(
            "like-service",
            "public.ecr.aws/x/y:1",
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            List.of(),
            Map.of(),
            List.of());
    Overlay overlay =
        Overlay.of(
            List.of(
                new Action.SetEnvironment("no-such-container", Map.of("A", "1")), hungry, clash));

    var result =
        TaskDefinitionOverlay.apply(
            base.taskDefinition(), base.tags(), overlay, TaskDefinitionOverlay.Ownership.of("s-1"));

    assertThat(result.problems())
        .containsExactly(
            "container 'no-such-container' is not in task definition like-service:7 (it has: like-service)",
            "sidecar 'like-service' clashes with container 'like-service' of like-service:7; not attached",
            "containers reserve 1536 MiB but the task has 1024 MiB; ECS would reject the revision");
    assertThat(result.request().containerDefinitions())
        .extracting(c -> c.name())
        .containsExactly("like-service", "profiler");
  }

  @Test
  void overlaysOfSeveralSessionsMergeInOrderAndReportConflicts() {
    Overlay first =
        Overlay.of(
            List.of(
                new Action.SetEnvironment("app", Map.of("LOGLEVEL", "DEBUG")),
                new Action.ScaleCapacity(3)));
    Overlay second =
        Overlay.of(
            List.of(
                new Action.SetEnvironment("app", Map.of("LOGLEVEL", "TRACE", "X", "1")),
                new Action.EnableExecuteCommand(),
                new Action.ScaleCapacity(5)));

    Overlay.Merged merged = Overlay.merge(List.of(first, second));

    assertThat(merged.overlay().environment())
        .isEqualTo(Map.of("app", Map.of("LOGLEVEL", "DEBUG", "X", "1")));
    assertThat(merged.overlay().executeCommand()).isTrue();
    assertThat(merged.overlay().minCapacity()).contains(5);
    assertThat(merged.conflicts())
        .containsExactly("LOGLEVEL of container app: keeping DEBUG, not TRACE");
  }
}
