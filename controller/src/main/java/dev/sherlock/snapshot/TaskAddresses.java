package dev.sherlock.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Where a task's metadata proxy answers. Inside the VPC that is the task's private IP and port
 * 8001; against the sandbox, {@code sherlock.task-address-map} names a URL that maps {@code
 * ip:port} to a local address, the way a controller inside the VPC would reach the task.
 */
@Singleton
public final class TaskAddresses {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final Optional<URI> addressMap;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  public TaskAddresses(@Value("${sherlock.task-address-map:}") String addressMap) {
    this.addressMap =
        addressMap == null || addressMap.isBlank()
            ? Optional.empty()
            : Optional.of(URI.create(addressMap));
  }

  /** GETs {@code path} from the task's metadata proxy and parses the JSON. */
  public JsonNode get(String privateIp, int port, String path) throws Exception {
    URI base = URI.create("http://%s:%d".formatted(privateIp, port));
    if (addressMap.isPresent()) {
      JsonNode map =
          JSON.readTree(
              http.send(
                      HttpRequest.newBuilder(addressMap.get())
                          .timeout(Duration.ofSeconds(3))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      String mapped = map.path(privateIp + ":" + port).asText("");
      if (mapped.isEmpty()) {
        throw new IllegalStateException(
            "the address map has no entry for %s:%d".formatted(privateIp, port));
      }
      base = URI.create(mapped);
    }
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(3)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "%s%s answered HTTP %d".formatted(base, path, response.statusCode()));
    }
    return JSON.readTree(response.body());
  }
}
