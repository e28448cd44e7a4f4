package dev.sherlock.aws;

import dev.sherlock.config.SherlockConfig;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * What stands between Sherlock and one AWS service: a rate limiter per budget (the service, or an
 * ECS category of actions) so Sherlock never spends the account's API quota, and one circuit
 * breaker so a failing service is left alone for a while instead of hammered.
 *
 * <p>Retrying is the SDK's job alone (standard mode: backoff with jitter, its own retry token
 * bucket, and it knows which errors are retryable). A second retry layer here would multiply the
 * attempts of every call; the work queue retries whole reconciles with backoff instead.
 */
public final class AwsGuard {
  /** Thrown when Sherlock's own budget or breaker refuses a call: try the reconcile later. */
  public static final class Refused extends RuntimeException {
    Refused(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }

  private final String service;
  private final SherlockConfig.Aws config;
  private final CircuitBreaker breaker;
  private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();
  private final CallCounter counter;

  public AwsGuard(String service, SherlockConfig.Aws config, CallCounter counter) {
    this.service = service;
    this.config = config;
    this.counter = counter;
    this.breaker =
        CircuitBreaker.of(
            service,
            CircuitBreakerConfig.custom()
                .failureRateThreshold(config.breaker().failureRatePercent())
                .slidingWindowSize(20)
                .minimumNumberOfCalls(10)
                .waitDurationInOpenState(config.breaker().openFor())
                .recordException(AwsGuard::isFailure)
                .build());
  }

  /** Calls {@code operation} within budget {@code budget} (a key of the configured budgets). */
  public <T> T call(String budget, String operation, Supplier<T> call) {
    RateLimiter limiter = limiters.computeIfAbsent(budget, this::limiter);
    try {
      T result =
          RateLimiter.decorateSupplier(limiter, CircuitBreaker.decorateSupplier(breaker, call))
              .get();
      counter.record(service, operation, "ok");
      return result;
    } catch (CallNotPermittedException e) {
      counter.record(service, operation, "breaker-open");
      throw new Refused("%s is failing; its circuit breaker is open".formatted(service), e);
    } catch (RequestNotPermitted e) {
      counter.record(service, operation, "over-budget");
      throw new Refused("Sherlock's %s budget is spent for now".formatted(budget), e);
    } catch (AwsServiceException e) {
      counter.record(
          service,
          operation,
          e.awsErrorDetails() == null ? "error" : e.awsErrorDetails().errorCode());
      throw e;
    } catch (SdkClientException e) {
      counter.record(service, operation, "unreachable");
      throw e;
    }
  }

  private RateLimiter limiter(String budget) {
    SherlockConfig.Budget b = config.budgetOf(budget);
    // resilience4j refills a fixed window; a window of burst/perSecond seconds holding `burst`
    // permits gives the bucket's burst and, on average, its sustained rate.
    Duration window = Duration.ofMillis(Math.max(1, (long) (b.burst() / b.perSecond() * 1000)));
    return RateLimiter.of(
        budget,
        RateLimiterConfig.custom()
            .limitForPeriod(b.burst())
            .limitRefreshPeriod(window)
            .timeoutDuration(Duration.ofSeconds(30))
            .build());
  }

  /** Failures are AWS being unwell, not AWS answering "no such service". */
  static boolean isFailure(Throwable e) {
    if (e instanceof AwsServiceException a) {
      return a.statusCode() >= 500 || a.isThrottlingException();
    }
    return e instanceof SdkClientException;
  }
}
