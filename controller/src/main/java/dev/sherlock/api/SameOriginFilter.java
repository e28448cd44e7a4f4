package dev.sherlock.api;

import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import java.net.URI;
import java.util.Set;

/**
 * The CSRF defence of a bearer-token API. Browsers never attach the token by themselves - it lives
 * in the console's tab, not in a cookie - so a forged request cannot carry it; on top of that, a
 * mutating call that a browser sends from another origin ({@code Origin} names a different host or
 * port) is refused before any endpoint sees it, and no CORS header ever invites one. Calls without
 * an {@code Origin} (curl, the CLI, a git host's webhook) are not browsers' and pass to the token
 * check.
 */
@ServerFilter("/api/**")
public final class SameOriginFilter {
  private static final Set<HttpMethod> MUTATING =
      Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);

  @RequestFilter
  public void refuseCrossOrigin(HttpRequest<?> request) {
    if (!MUTATING.contains(request.getMethod())) {
      return;
    }
    String origin = request.getHeaders().get("Origin");
    if (origin == null) {
      return;
    }
    String host = request.getHeaders().get("Host");
    if (host != null && sameHost(origin, host)) {
      return;
    }
    throw new Api.Refused(
        403, "cross-origin request refused: the console calls from its own origin");
  }

  private static boolean sameHost(String origin, String host) {
    try {
      URI uri = URI.create(origin);
      String authority = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
      return authority != null && authority.equalsIgnoreCase(host);
    } catch (IllegalArgumentException e) {
      return false; // "null" (a sandboxed frame) or garbage: not us
    }
  }
}
