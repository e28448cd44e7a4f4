package dev.sherlock.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;

/** JSON answers of the API, built the same way everywhere. */
final class Api {
  private Api() {}

  static HttpResponse<String> ok(JsonNode body) {
    return HttpResponse.ok(body.toString()).contentType(MediaType.APPLICATION_JSON_TYPE);
  }

  static HttpResponse<String> status(int status, JsonNode body) {
    return HttpResponse.<String>status(HttpStatus.valueOf(status))
        .body(body.toString())
        .contentType(MediaType.APPLICATION_JSON_TYPE);
  }

  /** Every error the API answers has this shape: {@code {"status": 400, "error": "..."}}. */
  static HttpResponse<String> error(int status, String message) {
    return status(status, errorBody(status, message));
  }

  static ObjectNode errorBody(int status, String message) {
    return JsonNodeFactory.instance.objectNode().put("status", status).put("error", message);
  }

  /**
   * Thrown for a 404 of the API's own ("no session s-1"): a 404 a controller returns would be
   * answered by the status route for unknown paths instead ({@link ErrorsController}), and lose
   * what was not found.
   */
  static final class NotFound extends RuntimeException {
    NotFound(String message) {
      super(message, null, false, false);
    }
  }

  /** Thrown where no endpoint answers yet (a filter): answered in the API's error shape. */
  static final class Refused extends RuntimeException {
    final int status;

    Refused(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  static NotFound notFound(String message) {
    return new NotFound(message);
  }

  static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }
}
