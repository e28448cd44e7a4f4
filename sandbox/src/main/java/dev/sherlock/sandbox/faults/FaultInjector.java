package dev.sherlock.sandbox.faults;

import dev.sherlock.sandbox.http.AwsException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * AWS's request budgets and deliberate failures. Each operation may have a token bucket (burst and
 * refill per second, as AWS publishes for ECS) and injected throttling, server-error and latency
 * rates; a call that exceeds its bucket or draws an injected fault fails the way AWS fails.
 */
public final class FaultInjector {
  /** A token bucket: {@code burst} calls at once, refilled at {@code perSecond}. */
  public record Budget(int burst, double perSecond) {}

  /** Injected failure rates (0..1) and an added latency for one service or operation. */
  public record Faults(double throttleRate, double serverErrorRate, Duration latency) {
    public static final Faults NONE = new Faults(0, 0, Duration.ZERO);
  }

  private final Clock clock;
  private final Random random;
  private final Map<String, Budget> budgets = new ConcurrentHashMap<>();
  private final Map<String, double[]> buckets = new ConcurrentHashMap<>();
  private final Map<String, Faults> faults = new ConcurrentHashMap<>();
  private final Map<String, Integer> lostAnswers = new ConcurrentHashMap<>();

  /** {@code service.Operation} to the budget key of its group, for budgets shared by actions. */
  private final Map<String, String> groups = new ConcurrentHashMap<>();

  public FaultInjector(Clock clock, long seed) {
    this.clock = clock;
    this.random = new Random(seed);
  }

  /** Sets the budget of {@code service.Operation} (or of a whole service with {@code service}). */
  public void budget(String key, Budget budget) {
    budgets.put(key, budget);
    buckets.remove(key);
  }

  /**
   * One budget shared by several operations ({@code ecs.DescribeServices}, ...), as AWS groups
   * them.
   */
  public void budgetGroup(String group, Budget budget, java.util.Collection<String> operationKeys) {
    budget(group, budget);
    operationKeys.forEach(key -> groups.put(key, group));
  }

  /**
   * Sets injected faults for {@code service.Operation} or for every operation of {@code service}.
   */
  public void inject(String key, Faults injected) {
    faults.put(key, injected);
  }

  /**
   * The next {@code count} calls of {@code key} ({@code ecs.RegisterTaskDefinition}) are carried
   * out and answered with a server error: the answer lost on its way, as a timeout or a reset
   * connection loses it, so the caller cannot tell whether the call was made.
   */
  public synchronized void loseAnswers(String key, int count) {
    lostAnswers.put(key, count);
  }

  /**
   * Called once a call has been carried out: throws the server error its answer is replaced with if
   * it is one of those {@link #loseAnswers} named.
   */
  public synchronized void answered(String service, String operation) {
    String key = service + "." + operation;
    int left = lostAnswers.getOrDefault(key, 0);
    if (left > 0) {
      lostAnswers.put(key, left - 1);
      throw AwsException.serverError(serverErrorCode(service));
    }
  }

  public void clear() {
    lostAnswers.clear();
    faults.clear();
    budgets.clear();
    buckets.clear();
    groups.clear();
  }

  /**
   * Admits a call or throws as AWS would.
   *
   * @param throttlingCode the service's own throttling code (ECS: ThrottlingException, CloudWatch:
   *     Throttling, Logs: ThrottlingException, ...)
   * @return latency to add before answering
   */
  public synchronized Duration admit(String service, String operation, String throttlingCode) {
    String key = service + "." + operation;
    takeToken(key, throttlingCode);
    String group = groups.get(key);
    if (group != null) {
      takeToken(group, throttlingCode);
    }
    takeToken(service, throttlingCode);
    Faults injected =
        Optional.ofNullable(faults.get(key))
            .or(() -> Optional.ofNullable(faults.get(service)))
            .orElse(Faults.NONE);
    if (injected.throttleRate() > 0 && random.nextDouble() < injected.throttleRate()) {
      throw AwsException.throttling(throttlingCode);
    }
    if (injected.serverErrorRate() > 0 && random.nextDouble() < injected.serverErrorRate()) {
      throw AwsException.serverError(serverErrorCode(service));
    }
    return injected.latency();
  }

  private void takeToken(String key, String throttlingCode) {
    Budget budget = budgets.get(key);
    if (budget == null) {
      return;
    }
    double now = clock.millis() / 1000.0;
    double[] bucket = buckets.computeIfAbsent(key, k -> new double[] {budget.burst(), now});
    bucket[0] = Math.min(budget.burst(), bucket[0] + (now - bucket[1]) * budget.perSecond());
    bucket[1] = now;
    if (bucket[0] < 1) {
      throw AwsException.throttling(throttlingCode);
    }
    bucket[0] -= 1;
  }

  private static String serverErrorCode(String service) {
    return switch (service) {
      case "ecs" -> "ServerException";
      case "monitoring" -> "InternalServiceError";
      case "logs" -> "ServiceUnavailableException";
      case "application-autoscaling" -> "InternalServiceException";
      default -> "InternalException";
    };
  }
}
