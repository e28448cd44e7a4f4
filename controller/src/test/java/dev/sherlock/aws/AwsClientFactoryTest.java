package dev.sherlock.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micronaut.context.ApplicationContext;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * Sherlock's AWS clients name the application in their user agent, which CloudTrail records: how an
 * audit of the account, and {@code sherlock replay} of a CloudTrail export, tell Sherlock's own
 * calls from people's.
 */
class AwsClientFactoryTest {
  @TempDir Path dir;

  @Test
  void everyCallSaysItIsSherlocks() throws Exception {
    List<String> userAgents = new CopyOnWriteArrayList<>();
    HttpServer ecs = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    ecs.createContext(
        "/",
        exchange -> {
          userAgents.add(exchange.getRequestHeaders().getFirst("User-Agent"));
          byte[] body = "{\"clusterArns\": []}".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    ecs.start();
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    try (ApplicationContext context =
        ApplicationContext.builder()
            .properties(
                Map.of(
                    "sherlock.aws.endpoint",
                    "http://127.0.0.1:" + ecs.getAddress().getPort(),
                    "sherlock.aws.region",
                    "eu-west-1",
                    "sherlock.policies",
                    dir.toString(),
                    "sherlock.data-dir",
                    dir.resolve("data").toString()))
            .start()) {
      context.getBean(EcsClient.class).listClusters();
    } finally {
      ecs.stop(0);
    }
    assertThat(userAgents).singleElement().asString().contains("app/" + AwsClientFactory.APP_ID);
  }
}
