package dev.sherlock.aws;

import dev.sherlock.metrics.SherlockMetrics;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Sherlock's own count of AWS calls by service, operation and outcome, also exported as metrics.
 */
@Singleton
public final class CallCounter {
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  private final SherlockMetrics metrics;

  public CallCounter(SherlockMetrics metrics) {
    this.metrics = metrics;
  }

  public void record(String service, String operation, String outcome) {
    counts
        .computeIfAbsent(service + " " + operation + " " + outcome, k -> new LongAdder())
        .increment();
    metrics.awsCalls(service, operation, outcome).increment();
  }

  /**
   * Counts every call of a client whose calls do not pass an {@link AwsGuard} (the store's DynamoDB
   * client), as the guard counts the others.
   */
  public ExecutionInterceptor interceptor(String service) {
    return new ExecutionInterceptor() {
      @Override
      public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        record(service, attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), "ok");
      }

      @Override
      public void onExecutionFailure(
          Context.FailedExecution context, ExecutionAttributes attributes) {
        String outcome =
            context.exception() instanceof AwsServiceException e && e.awsErrorDetails() != null
                ? e.awsErrorDetails().errorCode()
                : "unreachable";
        record(service, attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), outcome);
      }
    };
  }

  public Map<String, Long> snapshot() {
    Map<String, Long> copy = new TreeMap<>();
    counts.forEach((k, v) -> copy.put(k, v.sum()));
    return copy;
  }
}
