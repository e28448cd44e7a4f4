package dev.sherlock.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sherlock health}: asks a running Sherlock whether it is alive (or ready), for a container
 * health check in an image without curl. Exit 0 when it answers UP, 1 otherwise.
 */
@Command(
    name = "health",
    description = "Check a running Sherlock's /health/liveness (or --readiness); exit 0 when UP.")
public final class HealthCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "Port of Sherlock's API on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--readiness",
      description = "Check readiness (policies, store, AWS answering) instead of liveness.")
  boolean readiness;

  @Override
  public Integer call() throws InterruptedException {
    String path = readiness ? "/health/readiness" : "/health/liveness";
    URI uri = URI.create("http://127.0.0.1:%d%s".formatted(port, path));
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      spec.commandLine().getOut().println(response.body());
      spec.commandLine().getOut().flush();
      return response.statusCode() == 200 ? 0 : 1;
    } catch (IOException e) {
      spec.commandLine()
          .getErr()
          .printf(
              "sherlock health: error: no answer from %s: %s%n", uri, e.getClass().getSimpleName());
      return 1;
    }
  }
}
