package dev.sherlock.sandbox.xray;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;

/**
 * One request's trace as the X-Ray daemon delivered it: the app's segment (with its subsegments:
 * the downstream calls, the chaos delay) and what GetTraceSummaries indexes about it.
 *
 * @param service the X-Ray service name: {@code AWS_XRAY_TRACING_NAME}, else the ECS service's
 * @param status the HTTP status the app answered
 */
public record Trace(
    String id,
    String service,
    Instant start,
    Duration duration,
    String method,
    String url,
    int status,
    ObjectNode segment) {

  public double seconds() {
    return duration.toNanos() / 1e9;
  }

  /** A 4xx, as X-Ray counts errors. */
  public boolean error() {
    return status >= 400 && status < 500 && status != 429;
  }

  /** A 5xx, as X-Ray counts faults. */
  public boolean fault() {
    return status >= 500;
  }

  public boolean throttle() {
    return status == 429;
  }
}
