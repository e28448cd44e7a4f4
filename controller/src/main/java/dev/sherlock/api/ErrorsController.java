package dev.sherlock.api;

import dev.sherlock.UserError;
import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.web.router.exceptions.UnsatisfiedRouteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers what no endpoint answers - an unknown path, a wrong method, a parameter of the wrong
 * type, a failure of our own - in the API's one error shape ({@code {"status", "error"}}), and
 * never with a stack trace: an internal failure is logged in one line and answered with a 500 that
 * names no internals.
 */
@Controller
public final class ErrorsController {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorsController.class);

  @Error(status = HttpStatus.NOT_FOUND, global = true)
  public HttpResponse<String> notFound(HttpRequest<?> request) {
    return Api.error(
        404, "no such endpoint: %s %s".formatted(request.getMethod(), request.getPath()));
  }

  @Error(status = HttpStatus.METHOD_NOT_ALLOWED, global = true)
  public HttpResponse<String> methodNotAllowed(HttpRequest<?> request) {
    return Api.error(
        405, "%s is not allowed on %s".formatted(request.getMethod(), request.getPath()));
  }

  @Error(status = HttpStatus.UNSUPPORTED_MEDIA_TYPE, global = true)
  public HttpResponse<String> unsupportedMediaType(HttpRequest<?> request) {
    return Api.error(415, "send JSON (Content-Type: application/json)");
  }

  @Error(global = true)
  public HttpResponse<String> failure(HttpRequest<?> request, Throwable e) {
    if (e instanceof Api.NotFound notFound) {
      return Api.error(404, notFound.getMessage());
    }
    if (e instanceof Api.Refused refused) {
      return Api.error(refused.status, refused.getMessage());
    }
    if (e instanceof ConversionErrorException || e instanceof UnsatisfiedRouteException) {
      return Api.error(400, UserError.oneLine(e));
    }
    LOG.warn("{} {} failed: {}", request.getMethod(), request.getPath(), UserError.oneLine(e));
    LOG.debug("API failure", e);
    return Api.error(500, "internal error; the controller's log has the cause");
  }
}
