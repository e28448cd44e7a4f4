package dev.sherlock.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sherlock.RepoFiles;
import dev.sherlock.sandbox.MysfitsWorld;
import dev.sherlock.sandbox.Sandbox;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The container image as {@code bin/mvn -Pimage package} built it: the OCI tarball unpacked layer
 * by layer, and the image's own entrypoint, classpath and the template's commands run from those
 * files. No container runtime exists here, so the one liberty taken is the JVM: {@code java} is
 * this machine's, and the image's absolute paths ({@code /app}, {@code /policies}) point into the
 * unpacked root.
 */
class ImageIT {
  private static final Path TARBALL =
      RepoFiles.root().resolve("controller/target/sherlock-image.tar");
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;
  private static OciImage image;
  private static Sandbox sandbox;

  @BeforeAll
  static void unpack() throws IOException {
    image = OciImage.unpack(TARBALL, dir.resolve("rootfs"));
    sandbox = Sandbox.builder().port(0).start();
    MysfitsWorld.seed(sandbox);
  }

  @AfterAll
  static void stopSandbox() {
    sandbox.close();
  }

  @Test
  void carriesWhatRunNeedsAndNotTheSandbox() throws IOException {
    List<String> classpath = image.classpath();

    assertThat(classpath)
        .anyMatch(entry -> entry.startsWith("/app/classpath/"))
        .anyMatch(entry -> entry.contains("sqlite-jdbc"))
        .anyMatch(entry -> entry.contains("/ecs-"))
        .noneMatch(entry -> entry.matches(".*(sandbox|elasticmq|pekko|scala).*"));
    assertThat(image.config().at("/config/User").asText()).isEqualTo("1000:1000");
    assertThat(image.root().resolve("policies")).isDirectory();
    // The read-only root file system leaves /data and /tmp, the volumes, to user 1000.
    for (String dir : List.of("data", "tmp")) {
      assertThat(Files.getPosixFilePermissions(image.root().resolve(dir)))
          .as("/" + dir)
          .contains(PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    }
  }

  @Test
  void printsItsVersion() throws Exception {
    Exit exit = run(image.entrypoint(List.of("--version")), Map.of());

    assertThat(exit.code()).as(exit.output()).isZero();
    assertThat(exit.output().strip())
        .isEqualTo(
            "sherlock "
                + image.config().at("/config/Labels/org.opencontainers.image.version").asText());
  }

  /**
   * The template's container command on the image's entrypoint, as Fargate starts it: ready, the
   * baked-in policies loaded, the template's health check passing, and a clean stop on SIGTERM.
   */
  @Test
  void runsTheTemplatesCommandUntilReadyAndStopsOnSigterm() throws Exception {
    JsonNode container =
        Template.resource("TaskDefinition").at("/Properties/ContainerDefinitions/0");
    String queue = "sherlock-image-events";
    try (SqsClient sqs = sqs()) {
      sqs.createQueue(q -> q.queueName(queue));
    }
    String port = Integer.toString(freePort());
    // What Fargate knows and this machine lacks: the stack's names and the VPC's address.
    // (The Store, Shards and PolicySource parameters at their defaults; the stack's name for the
    // tables it then lacks.)
    Map<String, String> stack =
        Map.of(
            "Queue.QueueName",
            queue,
            "0.0.0.0",
            "127.0.0.1",
            "8080",
            port,
            "Store",
            "sqlite",
            "Shards",
            "1",
            "PolicySource",
            "/policies",
            "AWS::StackName",
            "sherlock");
    List<String> command = new ArrayList<>();
    container.path("Command").forEach(c -> command.add(stack.getOrDefault(c.asText(), c.asText())));
    // The sandbox stands in for AWS's endpoints.
    command.addAll(List.of("--endpoint", sandbox.endpoint().toString()));
    Map<String, String> env =
        Map.of(
            "AWS_REGION", sandbox.region(),
            "SHERLOCK_API_TOKEN", "image-token",
            "AWS_ACCESS_KEY_ID", "test",
            "AWS_SECRET_ACCESS_KEY", "test");

    long started = System.nanoTime();
    try (Running daemon = start(image.entrypoint(command), env)) {
      String api = "http://127.0.0.1:" + port;
      await()
          .atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofMillis(50))
          .ignoreExceptions()
          .until(() -> get(api + "/health/readiness").statusCode() == 200);
      Duration toReady = Duration.ofNanos(System.nanoTime() - started);
      Files.writeString(
          RepoFiles.root().resolve("controller/target/image-measurements.txt"),
          "start-to-ready %d ms; layers %d bytes compressed%n"
              .formatted(toReady.toMillis(), image.compressedSize()));

      // The policies baked into the image at /policies: the repository's six.
      JsonNode policies = JSON.readTree(get(api + "/api/policies").body()).path("policies");
      assertThat(policies.findValuesAsText("name")).hasSize(6).contains("crashloop-exec");

      List<String> probe = new ArrayList<>();
      container
          .at("/HealthCheck/Command")
          .forEach(c -> probe.add(stack.getOrDefault(c.asText(), c.asText())));
      assertThat(probe.removeFirst()).isEqualTo("CMD");
      Exit health = run(image.rooted(probe), env);
      assertThat(health.code()).as(health.output()).isZero();

      daemon.process().toHandle().destroy(); // SIGTERM, as ECS stops a task
      assertThat(daemon.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(daemon.process().exitValue()).as(daemon.output()).isZero();
      assertThat(daemon.output()).doesNotContain("Exception", "image-token");
    }
  }

  private static SqsClient sqs() {
    return SqsClient.builder()
        .endpointOverride(sandbox.endpoint())
        .region(Region.of(sandbox.region()))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("t", "t")))
        .build();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static HttpResponse<String> get(String uri) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(uri))
            .header("Authorization", "Bearer image-token")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  record Exit(int code, String output) {}

  /** A process whose output (stdout and stderr together) is read as it prints. */
  record Running(Process process, List<String> lines, Thread reader) implements AutoCloseable {
    String output() {
      return String.join("\n", lines);
    }

    @Override
    public void close() {
      process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  private static Exit run(List<String> command, Map<String, String> env) throws Exception {
    try (Running running = start(command, env)) {
      assertThat(running.process().waitFor(2, TimeUnit.MINUTES)).as(command.toString()).isTrue();
      running.reader().join(Duration.ofSeconds(10)); // the rest of what it printed
      return new Exit(running.process().exitValue(), running.output());
    }
  }

  private static Running start(List<String> command, Map<String, String> env) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.directory(dir.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
    builder.environment().put("AWS_EC2_METADATA_DISABLED", "true");
    builder.environment().putAll(env);
    Process process = builder.start();
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader =
        Thread.ofVirtual()
            .start(
                () -> {
                  try (BufferedReader in =
                      new BufferedReader(
                          new InputStreamReader(
                              process.getInputStream(), StandardCharsets.UTF_8))) {
                    in.lines().forEach(lines::add);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                });
    return new Running(process, lines, reader);
  }
}
