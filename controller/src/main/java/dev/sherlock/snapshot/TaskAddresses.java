package dev.sherlock.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sherlock.policy.Durations;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Where a task's ports answer: its metadata proxy, its app's status page. Inside the VPC that is
 * the task's private IP; against the sandbox, {@code sherlock.task-address-map} names a URL that
 * maps {@code ip:port} to a local address, the way a controller inside the VPC would reach the
 * task.
 */
@Singleton
public final class TaskAddresses {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration TIMEOUT = Duration.ofSeconds(3);
  private final Optional<URI> addressMap;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  /** A page as a task answered it: its HTTP status, and its text cut at the byte bound. */
  public record Page(int status, String text, boolean truncated) {}

  public TaskAddresses(@Value("${sherlock.task-address-map:}") String addressMap) {
    this.addressMap =
        addressMap == null || addressMap.isBlank()
            ? Optional.empty()
            : Optional.of(URI.create(addressMap));
  }

  /** GETs {@code path} from the task's metadata proxy and parses the JSON. */
  public JsonNode get(String privateIp, int port, String path) throws Exception {
    URI base = base(privateIp, port);
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "%s%s answered HTTP %d".formatted(base, path, response.statusCode()));
    }
    return JSON.readTree(response.body());
  }

  /**
   * GETs {@code path} on the task's {@code port} within {@code timeout}, keeping at most {@code
   * maxBytes} of the answer: a page of any status, or an exception when nothing answered.
   */
  public Page page(String privateIp, int port, String path, Duration timeout, int maxBytes)
      throws Exception {
    URI base = base(privateIp, port);
    // The timeout covers the whole page, body included: a task that trickles is cut off too.
    var answer =
        http.sendAsync(
                HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).build(),
                HttpResponse.BodyHandlers.ofInputStream())
            .thenApply(
                response -> {
                  try (InputStream body = response.body()) {
                    byte[] kept = body.readNBytes(maxBytes);
                    boolean truncated = body.read() >= 0;
                    return new Page(
                        response.statusCode(), new String(kept, StandardCharsets.UTF_8), truncated);
                  } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                });
    try {
      return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      answer.cancel(true);
      throw new IllegalStateException(
          "%s:%d did not answer within %s".formatted(privateIp, port, Durations.format(timeout)));
    } catch (ExecutionException e) {
      Throwable cause =
          e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : e.getCause();
      throw new IllegalStateException(
          "%s:%d: %s"
              .formatted(
                  privateIp,
                  port,
                  cause.getMessage() == null
                      ? cause.getClass().getSimpleName()
                      : cause.getMessage()));
    }
  }

  /** The task's {@code ip:port} as this process reaches it. */
  private URI base(String privateIp, int port) throws Exception {
    URI direct = URI.create("http://%s:%d".formatted(privateIp, port));
    if (addressMap.isEmpty()) {
      return direct;
    }
    JsonNode map =
        JSON.readTree(
            http.send(
                    HttpRequest.newBuilder(addressMap.get()).timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
    String mapped = map.path(privateIp + ":" + port).asText("");
    if (mapped.isEmpty()) {
      throw new IllegalStateException(
          "the address map has no entry for %s:%d".formatted(privateIp, port));
    }
    return URI.create(mapped);
  }
}
