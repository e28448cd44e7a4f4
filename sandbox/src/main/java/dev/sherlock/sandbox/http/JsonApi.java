package dev.sherlock.sandbox.http;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One AWS service the sandbox serves: an operation name and its JSON request in, its JSON response
 * out, or an {@link AwsException}. The wire protocol (JSON 1.1, CBOR, query) is the server's
 * business; a service only sees trees.
 */
public interface JsonApi {
  /** The service's name in call counts and fault rules, e.g. {@code ecs}. */
  String serviceName();

  JsonNode handle(String operation, JsonNode request);

  /**
   * The {@code __type} of an error with this code. Services that came from the query protocol
   * (CloudWatch) name their error shapes differently from their codes.
   */
  default String errorType(String code) {
    return code;
  }

  /**
   * Whether errors also carry {@code x-amzn-query-error: Code;Sender}, as awsQueryCompatible
   * services do.
   */
  default boolean queryCompatible() {
    return false;
  }
}
