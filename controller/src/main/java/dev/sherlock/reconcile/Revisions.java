package dev.sherlock.reconcile;

import dev.sherlock.aws.EcsGateway;
import dev.sherlock.overlay.TaskDefinitionOverlay;
import dev.sherlock.session.ManagedRevision;
import dev.sherlock.session.PendingRegistration;
import dev.sherlock.store.SessionStore;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;

/**
 * Which task-definition revisions may be Sherlock's. A revision is Sherlock's when its tags say so
 * ({@link TaskDefinitionOverlay#TAG_MANAGED}); one found without that tag is remembered in the
 * store as plain, so neither the next resync nor the next start describes it again.
 */
@Singleton
public final class Revisions {
  /**
   * How many of a family's newest revisions a successor reads to find an interrupted registration:
   * it is the newest unless people registered others in the moments since.
   */
  private static final int LOOKED_AT = 10;

  /** How far ECS's clock may be behind the one that wrote the intent. */
  private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private final EcsGateway ecs;
  private final SessionStore store;
  private final Clock clock;

  public Revisions(EcsGateway ecs, SessionStore store, Clock clock) {
    this.ecs = ecs;
    this.store = store;
    this.clock = clock;
  }

  /**
   * Registers an overlay revision for a service, or adopts the one an interrupted registration
   * left. RegisterTaskDefinition takes no client token, so a replica that dies between the call and
   * recording its answer leaves a revision nobody knows of, and its successor would register a
   * second. The intent is therefore written first; a successor that finds it looks for the revision
   * among the family's newest (by Sherlock's tags) and records it - using it when it is the one
   * wanted now, leaving it for the deregistration of unused revisions when not.
   */
  public DescribeTaskDefinitionResponse register(
      String serviceArn, String base, String overlayHash, RegisterTaskDefinitionRequest request) {
    Optional<ManagedRevision> interrupted = store.registering(serviceArn).flatMap(this::find);
    interrupted.ifPresent(store::saveRevision);
    if (interrupted.isPresent()
        && interrupted.get().base().equals(base)
        && interrupted.get().overlayHash().equals(overlayHash)) {
      store.clearRegistering(serviceArn);
      return ecs.taskDefinition(interrupted.get().arn());
    }
    store.saveRegistering(
        new PendingRegistration(serviceArn, request.family(), base, overlayHash, clock.instant()));
    DescribeTaskDefinitionResponse registered = ecs.register(request);
    store.saveRevision(
        new ManagedRevision(
            registered.taskDefinition().taskDefinitionArn(), serviceArn, base, overlayHash));
    store.clearRegistering(serviceArn);
    return registered;
  }

  /** The revision an interrupted registration made, if it got as far as ECS. */
  private Optional<ManagedRevision> find(PendingRegistration pending) {
    for (String arn : ecs.newestRevisions(pending.family(), LOOKED_AT)) {
      if (store.revision(arn).isPresent() || store.isPlainRevision(arn)) {
        continue;
      }
      DescribeTaskDefinitionResponse described = ecs.taskDefinition(arn);
      if (described.taskDefinition().registeredAt() != null
          && described.taskDefinition().registeredAt().isBefore(pending.at().minus(CLOCK_SKEW))) {
        return Optional.empty(); // newest first: the rest are older still
      }
      boolean matches =
          TaskDefinitionOverlay.tag(described, TaskDefinitionOverlay.TAG_MANAGED).isPresent()
              && TaskDefinitionOverlay.tag(described, TaskDefinitionOverlay.TAG_BASE)
                  .equals(Optional.of(pending.base()))
              && TaskDefinitionOverlay.tag(described, TaskDefinitionOverlay.TAG_OVERLAY)
                  .equals(Optional.of(pending.overlayHash()));
      if (matches) {
        return Optional.of(
            new ManagedRevision(arn, pending.serviceArn(), pending.base(), pending.overlayHash()));
      }
    }
    return Optional.empty();
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
