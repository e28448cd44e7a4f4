package dev.sherlock.aws;

import dev.sherlock.config.SherlockConfig;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * What stands between Sherlock and one AWS service: a budget per AWS bucket (the service, or an ECS
 * category of actions) that paces calls to what AWS grants ({@link ApiBudgets}), and one circuit
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
  private final CircuitBreaker breaker;
  private final ApiBudgets budgets;
  private final CallCounter counter;
  private final Fence fence;

  public AwsGuard(
      String service, SherlockConfig.Aws config, ApiBudgets budgets, CallCounter counter) {
    this(service, config, budgets, counter, Fence.OPEN);
  }

  /** A guard whose changes (every call but Describe*, List* and Get*) pass {@code fence} first. */
  public AwsGuard(
      String service,
      SherlockConfig.Aws config,
      ApiBudgets budgets,
      CallCounter counter,
      Fence fence) {
    this.service = service;
    this.fence = fence;
    this.budgets = budgets;
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
    if (Fence.changes(operation) && !fence.mayAct()) {
      counter.record(service, operation, "fenced");
      throw new Refused(new Fence.Closed(operation).getMessage(), null);
    }
    AdaptiveBudget slots = budgets.budget(budget);
    budgets.spends(service, operation, budget);
    Optional<Duration> wait = slots.reserve();
    if (wait.isEmpty()) {
      counter.record(service, operation, "over-budget");
      throw new Refused("Sherlock's %s budget is spent for now".formatted(budget), null);
    }
    pause(wait.get());
    try {
      T result = CircuitBreaker.decorateSupplier(breaker, call).get();
      counter.record(service, operation, "ok");
      slots.succeeded();
      return result;
    } catch (CallNotPermittedException e) {
      counter.record(service, operation, "breaker-open");
      throw new Refused("%s is failing; its circuit breaker is open".formatted(service), e);
    } catch (AwsServiceException e) {
      counter.record(
          service,
          operation,
          e.awsErrorDetails() == null ? "error" : e.awsErrorDetails().errorCode());
      throw e;
    } catch (SdkClientException e) {
      if (fenced(e)) {
        counter.record(service, operation, "fenced");
        throw new Refused(e.getMessage(), e);
      }
      counter.record(service, operation, "unreachable");
      throw e;
    } catch (Fence.Closed e) {
      counter.record(service, operation, "fenced");
      throw new Refused(e.getMessage(), e);
    }
  }

  /** Waits for the call's slot in its budget (pacing, not waiting for a state). */
  private static void pause(Duration wait) {
    if (wait.isZero()) {
      return;
    }
    try {
      Thread.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Refused("interrupted while waiting for the API budget", e);
    }
  }

  private static boolean fenced(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof Fence.Closed) {
        return true;
      }
    }
    return false;
  }

  /** Failures are AWS being unwell, not AWS answering "no such service". */
  static boolean isFailure(Throwable e) {
    if (e instanceof AwsServiceException a) {
      return a.statusCode() >= 500 || a.isThrottlingException();
    }
    return e instanceof SdkClientException && !fenced(e);
  }
}
