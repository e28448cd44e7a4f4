package dev.sherlock.aws;

import java.util.Set;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Keeps the SDK from repeating a call that is not idempotent once an attempt of it may have been
 * carried out. RegisterTaskDefinition takes no client token: an attempt whose answer is lost - a
 * timeout, a reset connection, a 5xx - may have registered a revision, and the SDK's retry would
 * register a second one. So after such an attempt the call fails instead, and the reconcile that
 * made it, whose intent is still in the store ({@code PendingRegistration}), looks for the revision
 * among the family's newest next time rather than registering again. An attempt AWS refused with a
 * 4xx (throttled, most often) changed nothing and is retried as usual.
 */
final class NoBlindRetry implements ExecutionInterceptor {
  /** Calls ECS carries out again when asked again, each time anew. */
  static final Set<String> NOT_IDEMPOTENT = Set.of("RegisterTaskDefinition");

  /** Whether the attempt on the wire may have been carried out with no answer to say so. */
  private static final ExecutionAttribute<Boolean> OUTCOME_UNKNOWN =
      new ExecutionAttribute<>("sherlock.outcomeUnknown");

  @Override
  public void beforeTransmission(
      Context.BeforeTransmission context, ExecutionAttributes attributes) {
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    if (operation == null || !NOT_IDEMPOTENT.contains(operation)) {
      return;
    }
    if (Boolean.TRUE.equals(attributes.getAttribute(OUTCOME_UNKNOWN))) {
      throw new OutcomeUnknown(operation);
    }
    attributes.putAttribute(OUTCOME_UNKNOWN, true); // until an answer says otherwise
  }

  @Override
  public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
    if (context.httpResponse().statusCode() < 500) {
      attributes.putAttribute(OUTCOME_UNKNOWN, false);
    }
  }

  /** A call not attempted again: the attempt before may have been carried out. */
  static final class OutcomeUnknown extends RuntimeException {
    OutcomeUnknown(String operation) {
      super(
          "%s not attempted again: the answer to the last attempt was lost, and it may have been carried out"
              .formatted(operation),
          null,
          false,
          false);
    }
  }
}
