package dev.sherlock.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** JSON over HTTP to Sherlock's API and to the sandbox's own paths. */
final class Http {
  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String base;
  private final String token;

  Http(String base, String token) {
    this.base = base;
    this.token = token;
  }

  JsonNode get(String path) throws IOException, InterruptedException {
    return send("GET", path, null);
  }

  int status(String path) throws IOException, InterruptedException {
    return CLIENT
        .send(request("GET", path, null).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  JsonNode send(String method, String path, String body) throws IOException, InterruptedException {
    HttpResponse<String> response =
        CLIENT.send(request(method, path, body).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IOException(
          "%s %s: HTTP %d %s".formatted(method, path, response.statusCode(), response.body()));
    }
    return JSON.readTree(response.body());
  }

  /** A plain-text answer ({@code /metrics}). */
  String text(String path) throws IOException, InterruptedException {
    return CLIENT
        .send(request("GET", path, null).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** An AWS JSON-protocol call ({@code X-Amz-Target}), as an SDK client would send it. */
  JsonNode aws(String target, String body) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/"))
            .timeout(Duration.ofSeconds(60))
            .header("X-Amz-Target", target)
            .header("Content-Type", "application/x-amz-json-1.0")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IOException(
          "%s: HTTP %d %s".formatted(target, response.statusCode(), response.body()));
    }
    return JSON.readTree(response.body());
  }

  private HttpRequest.Builder request(String method, String path, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(60))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return request;
  }
}
