package dev.sherlock.aws;

import dev.sherlock.config.SherlockConfig;
import dev.sherlock.metrics.SherlockMetrics;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Sherlock's share of the account's API budgets: one {@link AdaptiveBudget} per budget (an AWS
 * service, or an ECS category of actions), started at the configured rate and taught by every
 * throttled attempt - the SDK's retries included, which {@link AwsGuard} alone would never see.
 */
@Singleton
public final class ApiBudgets {
  /** The longest a call waits for its slot before it is refused: the reconcile is retried later. */
  static final Duration LONGEST_WAIT = Duration.ofSeconds(30);

  private final SherlockConfig.Aws config;
  private final Map<String, AdaptiveBudget> budgets = new ConcurrentHashMap<>();
  private final Map<String, String> budgetOfOperation = new ConcurrentHashMap<>();
  private final CallCounter counter;

  public ApiBudgets(SherlockConfig config, CallCounter counter, SherlockMetrics metrics) {
    this.config = config.aws();
    this.counter = counter;
    // What AWS has been granting lately, per budget: the rate each adaptive budget converged on.
    config.aws().budgets().keySet().forEach(b -> metrics.budgetRate(b, () -> budget(b).rate()));
  }

  AdaptiveBudget budget(String budget) {
    return budgets.computeIfAbsent(
        budget, b -> new AdaptiveBudget(config.budgetOf(b), LONGEST_WAIT));
  }

  /** Remembers which budget an operation spends, so that its throttled attempts teach that one. */
  void spends(String service, String operation, String budget) {
    budgetOfOperation.putIfAbsent(service + " " + operation, budget);
  }

  /** A budget's current rate, calls per second: what AWS has been granting lately. */
  public double rate(String budget) {
    return budget(budget).rate();
  }

  /** The current rate of each budget used so far (calls per second), for metrics. */
  public Map<String, Double> rates() {
    Map<String, Double> rates = new TreeMap<>();
    budgets.forEach((name, b) -> rates.put(name, b.rate()));
    return rates;
  }

  /**
   * Sees every attempt's answer of one client: a throttled one (HTTP 429, or an error type naming
   * throttling, as the JSON and query protocols send it in a header) slows its budget down.
   */
  public ExecutionInterceptor interceptor(String service) {
    return new ExecutionInterceptor() {
      @Override
      public void afterTransmission(
          Context.AfterTransmission context, ExecutionAttributes attributes) {
        var response = context.httpResponse();
        String type =
            response
                .firstMatchingHeader("x-amzn-ErrorType")
                .or(() -> response.firstMatchingHeader("x-amzn-query-error"))
                .orElse("");
        boolean throttled =
            response.statusCode() == 429
                || (response.statusCode() >= 400
                    && (type.contains("Throttl")
                        || type.startsWith("RequestLimitExceeded")
                        || type.startsWith("TooManyRequests")));
        if (throttled) {
          String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
          counter.record(service, operation, "throttled-attempt");
          String budget = budgetOfOperation.get(service + " " + operation);
          if (budget != null) {
            budget(budget).throttled();
          }
        }
      }
    };
  }
}
