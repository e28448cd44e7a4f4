package dev.sherlock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sherlock.UserError;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** A small client of Sherlock's HTTP API, for the {@code findings} and {@code debug} commands. */
final class ApiClient {
  static final String DEFAULT_URL = "http://127.0.0.1:8080";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** An answer: status and JSON body. */
  record Answer(int status, JsonNode body) {
    boolean ok() {
      return status / 100 == 2;
    }

    String error() {
      return body.path("error").asText("HTTP " + status);
    }
  }

  /** The API could not be reached or did not answer in JSON. */
  static final class Unreachable extends Exception {
    Unreachable(String message) {
      super(message, null, false, false);
    }
  }

  private final URI base;
  private final Optional<String> token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ApiClient(String base, Optional<String> token) {
    this.base = url(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
    this.token =
        token
            .or(() -> Optional.ofNullable(System.getenv("SHERLOCK_API_TOKEN")))
            .filter(t -> !t.isBlank());
  }

  /** Whether a token will be sent: mutating calls need one. */
  boolean hasToken() {
    return token.isPresent();
  }

  private static URI url(String text) {
    try {
      URI uri = new URI(text);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return uri;
      }
    } catch (java.net.URISyntaxException e) {
      // reported below
    }
    throw new UserError(
        "--api %s is not the URL of Sherlock's API, e.g. %s".formatted(text, DEFAULT_URL));
  }

  Answer get(String path) throws Unreachable {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  Answer send(String method, String path, String body) throws Unreachable {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    return send(request);
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }

  private Answer send(HttpRequest.Builder request) throws Unreachable {
    try {
      HttpResponse<String> response =
          http.send(
              request.timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode body =
          response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
      return new Answer(response.statusCode(), body);
    } catch (ConnectException e) {
      throw new Unreachable(
          "cannot reach Sherlock's API at %s (is `sherlock run` or `sherlock demo` running? --api sets the address)"
              .formatted(base));
    } catch (IOException e) {
      throw new Unreachable(
          "the API at %s did not answer properly: %s".formatted(base, e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unreachable("interrupted");
    }
  }
}
