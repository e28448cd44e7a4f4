package dev.sherlock.aws;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Whether a change may be made now. Consulted before every call that changes a service, so that a
 * replica that lost the lease - paused, partitioned - cannot act after its successor starts.
 */
@FunctionalInterface
public interface Fence {
  Fence OPEN = () -> true;

  boolean mayAct();

  /** Whether an operation changes something: all but Describe*, List* and Get*. */
  static boolean changes(String operation) {
    return !(operation.startsWith("Describe")
        || operation.startsWith("List")
        || operation.startsWith("Get"));
  }

  /** Thrown when a change meets a fence that is closed. */
  final class Closed extends RuntimeException {
    Closed(String operation) {
      super(
          "this replica does not hold the lease (or too little of it is left) to call " + operation,
          null,
          false,
          false);
    }
  }

  /**
   * The same check once more just before each attempt goes on the wire: a replica paused between
   * {@link AwsGuard}'s check and its call - or between two of the SDK's attempts - must not make
   * the change once it wakes.
   */
  static ExecutionInterceptor lastMoment(Fence fence) {
    return new ExecutionInterceptor() {
      @Override
      public void beforeTransmission(
          Context.BeforeTransmission context, ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        if (operation != null && changes(operation) && !fence.mayAct()) {
          throw new Closed(operation);
        }
      }
    };
  }
}
