package dev.sherlock.reconcile;

import dev.sherlock.aws.EcsGateway;
import dev.sherlock.overlay.TaskDefinitionOverlay;
import dev.sherlock.store.SessionStore;
import jakarta.inject.Singleton;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;

/**
 * Which task-definition revisions may be Sherlock's. A revision is Sherlock's when its tags say so
 * ({@link TaskDefinitionOverlay#TAG_MANAGED}); one found without that tag is remembered in the
 * store as plain, so neither the next resync nor the next start describes it again.
 */
@Singleton
public final class Revisions {
  private final EcsGateway ecs;
  private final SessionStore store;

  public Revisions(EcsGateway ecs, SessionStore store) {
    this.ecs = ecs;
    this.store = store;
  }

  /**
   * The revision as ECS describes it when it carries Sherlock's tag; empty when it does not - known
   * from the store without a call, or found now and remembered.
   */
  public Optional<DescribeTaskDefinitionResponse> sherlocks(String arn) {
    if (store.isPlainRevision(arn)) {
      return Optional.empty();
    }
    DescribeTaskDefinitionResponse described = ecs.taskDefinition(arn);
    if (TaskDefinitionOverlay.tag(described, TaskDefinitionOverlay.TAG_MANAGED).isPresent()) {
      return Optional.of(described);
    }
    store.savePlainRevision(arn);
    return Optional.empty();
  }
}
