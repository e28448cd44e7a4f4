package dev.sherlock.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sherlock.sandbox.workload.Scenario;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Task;

/** The simulated apps: OOM kills, crash loops, CPU spikes and the task metadata endpoint. */
class WorkloadIT {
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
  void anOomKillStopsTheTaskWithExitCode137AndTheServiceReplacesIt() {
    aws.sandbox.scenario().add(new Scenario.OomKill("mysfits", "monolith", Duration.ofSeconds(20)));
    aws.sandbox.advance(Duration.ofSeconds(30));

    List<Task> stopped = tasks("monolith", DesiredStatus.STOPPED);
    assertThat(stopped)
        .isNotEmpty()
        .allSatisfy(
            t -> {
              assertThat(t.stopCode().toString()).isEqualTo("EssentialContainerExited");
              assertThat(t.stoppedReason()).isEqualTo("Essential container in task exited");
              assertThat(t.containers().getFirst().exitCode()).isEqualTo(137);
              assertThat(t.containers().getFirst().reason())
                  .isEqualTo("OutOfMemoryError: Container killed due to memory usage");
            });
    aws.sandbox.scenario().clear();
    aws.sandbox.advance(Duration.ofSeconds(30));
    assertThat(tasks("monolith", DesiredStatus.RUNNING)).hasSize(2);
  }

  @Test
  void aCrashLoopKeepsStoppingTasks() {
    aws.sandbox
        .scenario()
        .add(new Scenario.CrashLoop("mysfits", "like-service", Duration.ofSeconds(15), 1));
    aws.sandbox.advance(Duration.ofMinutes(2));

    assertThat(tasks("like-service", DesiredStatus.STOPPED))
        .hasSizeGreaterThanOrEqualTo(6)
        .allSatisfy(t -> assertThat(t.containers().getFirst().exitCode()).isEqualTo(1));
  }

  @Test
  void aTaskWithAMetadataProxyServesItsStatsThroughTheAddressMap() throws Exception {
    var definition =
        aws.ecs.describeTaskDefinition(b -> b.taskDefinition("like-service")).taskDefinition();
    var proxy =
        software.amazon.awssdk.services.ecs.model.ContainerDefinition.builder()
            .name("metadata-proxy")
            .image("public.ecr.aws/sherlock/metadata-proxy:1.0.0")
            .essential(false)
            .memory(64)
            .portMappings(p -> p.containerPort(8001).protocol("tcp"))
            .build();
    var withProxy =
        aws.ecs
            .registerTaskDefinition(
                b ->
                    b.family("like-service")
                        .networkMode("awsvpc")
                        .requiresCompatibilities(definition.requiresCompatibilities())
                        .cpu(definition.cpu())
                        .memory(definition.memory())
                        .containerDefinitions(definition.containerDefinitions().getFirst(), proxy))
            .taskDefinition();
    aws.ecs.updateService(
        b ->
            b.cluster("mysfits")
                .service("like-service")
                .taskDefinition(withProxy.taskDefinitionArn()));
    aws.sandbox
        .scenario()
        .add(
            new Scenario.CpuSpike(
                "mysfits", "like-service", aws.sandbox.now(), Duration.ofHours(1), 95));
    aws.sandbox.advance(Duration.ofMinutes(1));

    Task task = tasks("like-service", DesiredStatus.RUNNING).getFirst();
    String ip = task.containers().getFirst().networkInterfaces().getFirst().privateIpv4Address();
    Map<String, URI> addresses = aws.sandbox.addressMap();
    URI base = addresses.get(ip + ":8001");

    assertThat(addresses.keySet().stream().filter(a -> a.endsWith(":8001"))).hasSize(2);
    JsonNode stats = get(URI.create(base + "/task/stats"));
    JsonNode metadata = get(URI.create(base + "/task"));
    assertThat(metadata.path("TaskARN").asText()).isEqualTo(task.taskArn());
    assertThat(metadata.path("Containers"))
        .extracting(c -> c.path("Name").asText())
        .containsExactly("like-service", "metadata-proxy");
    assertThat(stats.size()).isEqualTo(2);
    JsonNode app = stats.elements().next();
    assertThat(app.path("name").asText()).isEqualTo("like-service");
    double cpu =
        app.at("/cpu_stats/cpu_usage/total_usage").asDouble()
            / app.at("/cpu_stats/system_cpu_usage").asDouble()
            * app.at("/cpu_stats/online_cpus").asInt()
            * 100;
    assertThat(cpu).as("the CPU spike shows in the stats").isGreaterThan(90);
    assertThat(app.at("/memory_stats/usage").asLong()).isPositive();
  }

  @Test
  void eachAppServesAStatusPageOnItsOwnPortThroughTheAddressMap() throws Exception {
    Task task = tasks("like-service", DesiredStatus.RUNNING).getFirst();
    String ip = task.containers().getFirst().networkInterfaces().getFirst().privateIpv4Address();
    URI base = aws.sandbox.addressMap().get(ip + ":80");
    assertThat(base).as("like-service listens on 80").isNotNull();

    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> page =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/server-status")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body())
          .contains("Task: " + task.taskArn().substring(task.taskArn().lastIndexOf('/') + 1))
          .contains("ChaosMode: on")
          .containsPattern("BusyWorkers: \\d+");
      HttpResponse<String> other =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/admin")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(other.statusCode()).isEqualTo(404);
      HttpResponse<String> closed =
          http.send(
              HttpRequest.newBuilder(
                      aws.sandbox.endpoint().resolve("/_sandbox/task-http/" + ip + ":9999/x"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(closed.statusCode()).as("nothing listens on 9999").isEqualTo(502);
    }
  }

  private JsonNode get(URI uri) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> response =
          http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      return JsonMapper.builder().build().readTree(response.body());
    }
  }

  private List<Task> tasks(String service, DesiredStatus status) {
    List<String> arns =
        aws.ecs
            .listTasks(b -> b.cluster("mysfits").serviceName(service).desiredStatus(status))
            .taskArns();
    return arns.isEmpty()
        ? List.of()
        : aws.ecs.describeTasks(b -> b.cluster("mysfits").tasks(arns)).tasks();
  }
}
