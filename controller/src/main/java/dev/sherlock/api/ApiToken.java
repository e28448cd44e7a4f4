package dev.sherlock.api;

import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The bearer token that mutating API calls must carry ({@code sherlock.api.token}). With no token
 * configured, mutating endpoints are off - never open by default.
 */
@Singleton
public final class ApiToken {
  private final Optional<String> token;

  public ApiToken(@Value("${sherlock.api.token:}") String token) {
    this.token = token == null || token.isBlank() ? Optional.empty() : Optional.of(token);
  }

  /** Why the request may not mutate, or empty when it may. */
  public Optional<Refusal> check(HttpRequest<?> request) {
    if (token.isEmpty()) {
      return Optional.of(
          new Refusal(403, "mutating endpoints are off: no sherlock.api.token is configured"));
    }
    String header = request.getHeaders().getAuthorization().orElse("");
    String offered = header.startsWith("Bearer ") ? header.substring("Bearer ".length()) : "";
    boolean ok =
        MessageDigest.isEqual(
            offered.getBytes(StandardCharsets.UTF_8), token.get().getBytes(StandardCharsets.UTF_8));
    return ok
        ? Optional.empty()
        : Optional.of(new Refusal(401, "a valid bearer token is required"));
  }

  /** An HTTP status and a message. */
  public record Refusal(int status, String message) {}
}
