package dev.sherlock.api;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The web console at {@code /}: one page and its script and styles, served from the jar (no build
 * step, no third-party code). It reads the same API a person would, so it shows nothing the API
 * would not; its Content-Security-Policy allows only its own script and styles, so text from a
 * finding can never run as code even if it were written as HTML.
 */
@Controller
public final class ConsoleController {
  private static final String POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  /** The files, by the name in the URL, with their media type. */
  private static final Map<String, String> ASSETS =
      Map.of(
          "app.js", "text/javascript; charset=utf-8",
          "app.css", "text/css; charset=utf-8",
          "favicon.svg", "image/svg+xml");

  @Get(uri = "/", produces = "text/html; charset=utf-8")
  public HttpResponse<byte[]> index() {
    return secured(HttpResponse.ok(read("index.html")), "text/html; charset=utf-8");
  }

  @Get("/console/{file}")
  public HttpResponse<byte[]> asset(@PathVariable String file) {
    String type = ASSETS.get(file);
    if (type == null) {
      throw Api.notFound("no console file " + file);
    }
    return secured(HttpResponse.ok(read(file)), type);
  }

  private static HttpResponse<byte[]> secured(MutableHttpResponse<byte[]> response, String type) {
    return response
        .contentType(type)
        .header("Content-Security-Policy", POLICY)
        .header("X-Content-Type-Options", "nosniff")
        .header("Referrer-Policy", "no-referrer")
        .header("X-Frame-Options", "DENY")
        .header("Cache-Control", "no-cache");
  }

  private static byte[] read(String file) {
    try (InputStream in = ConsoleController.class.getResourceAsStream("/console/" + file)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks console/" + file);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
