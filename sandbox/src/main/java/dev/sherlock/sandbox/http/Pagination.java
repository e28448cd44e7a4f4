package dev.sherlock.sandbox.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * AWS-style pagination over a list in a stable order: an opaque {@code nextToken} that encodes the
 * offset, and a {@code maxResults} that must lie within the API's limit.
 */
public final class Pagination {
  private Pagination() {}

  /** One page and the token of the next one, if any. */
  public record Page<T>(List<T> items, Optional<String> nextToken) {}

  public static <T> Page<T> page(
      List<T> all,
      Optional<Integer> maxResults,
      Optional<String> nextToken,
      int limit,
      int byDefault) {
    int size = maxResults.orElse(byDefault);
    if (size < 1 || size > limit) {
      throw AwsException.invalidParameter("maxResults must be between 1 and %d.".formatted(limit));
    }
    int from = nextToken.map(Pagination::offset).orElse(0);
    if (from > all.size()) {
      throw AwsException.invalidParameter("Invalid nextToken.");
    }
    int to = Math.min(all.size(), from + size);
    Optional<String> next = to < all.size() ? Optional.of(token(to)) : Optional.empty();
    return new Page<>(List.copyOf(all.subList(from, to)), next);
  }

  private static String token(int offset) {
    return Base64.getUrlEncoder()
        .encodeToString(("offset:" + offset).getBytes(StandardCharsets.UTF_8));
  }

  private static int offset(String token) {
    try {
      String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      if (!decoded.startsWith("offset:")) {
        throw new IllegalArgumentException(token);
      }
      return Integer.parseInt(decoded.substring("offset:".length()));
    } catch (IllegalArgumentException e) {
      throw AwsException.invalidParameter("Invalid nextToken.");
    }
  }
}
