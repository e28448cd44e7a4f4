package dev.sherlock.sandbox.http;

/**
 * An error as AWS returns it: an error code the SDK maps to an exception type (the {@code __type}
 * of JSON protocols, the {@code Code} of the query protocol), a message, and the HTTP status.
 */
public final class AwsException extends RuntimeException {
  private final String code;
  private final int status;

  public AwsException(String code, int status, String message) {
    super(message, null, false, false);
    this.code = code;
    this.status = status;
  }

  public String code() {
    return code;
  }

  public int status() {
    return status;
  }

  /** A client error (400) with the given code, e.g. {@code InvalidParameterException}. */
  public static AwsException client(String code, String message) {
    return new AwsException(code, 400, message);
  }

  public static AwsException invalidParameter(String message) {
    return client("InvalidParameterException", message);
  }

  public static AwsException throttling(String code) {
    return new AwsException(code, 400, "Rate exceeded");
  }

  public static AwsException serverError(String code) {
    return new AwsException(code, 500, "Service unavailable: injected fault");
  }
}
