package dev.sherlock.controller;

import dev.sherlock.finding.FindingKind;
import dev.sherlock.finding.Findings;
import dev.sherlock.overlay.TaskDefinitionOverlay;
import dev.sherlock.reconcile.Revisions;
import dev.sherlock.reconcile.ServiceArns;
import dev.sherlock.reconcile.ServiceMemory;
import dev.sherlock.session.CapacityChange;
import dev.sherlock.session.Session;
import dev.sherlock.session.Sessions;
import dev.sherlock.source.PolicySource;
import dev.sherlock.source.ServiceCache;
import dev.sherlock.store.SessionStore;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * Rebuilds sessions from ECS when the store has lost them: every service that runs one of
 * Sherlock's overlay revisions carries, in that revision's tags, the sessions, their policies, the
 * base revision and the latest expiry. Sessions found there that the store does not know are
 * recreated (origin RECOVERED) with that expiry - so an expired one is reverted at once, and a live
 * one runs out its time. The services' own tags ({@link ServiceMemory}) give back the sessions that
 * ended and what Sherlock must put back (ECS Exec, capacity), so nothing reopens and nothing stays
 * raised.
 */
@Singleton
public final class Recovery {
  private final Revisions revisions;
  private final SessionStore store;
  private final PolicySource policies;
  private final Findings findings;
  private final Clock clock;

  public Recovery(
      Revisions revisions,
      SessionStore store,
      PolicySource policies,
      Findings findings,
      Clock clock) {
    this.revisions = revisions;
    this.store = store;
    this.policies = policies;
    this.findings = findings;
    this.clock = clock;
  }

  /**
   * Rebuilds what the store lacks of one service, as the first resync read it: the memory its tags
   * keep, and the sessions of the Sherlock revision it runs. A revision known to be plain costs no
   * call ({@link Revisions}).
   *
   * @return whether something was rebuilt (the service needs a reconcile)
   */
  public boolean recover(Service service) {
    boolean restored = restoreMemory(service);
    Optional<DescribeTaskDefinitionResponse> running =
        revisions.sherlocks(service.taskDefinition());
    return (running.isPresent() && rebuild(service, running.get())) || restored;
  }

  private boolean rebuild(Service service, DescribeTaskDefinitionResponse running) {
    List<String> ids =
        split(TaskDefinitionOverlay.tag(running, TaskDefinitionOverlay.TAG_SESSION).orElse(""));
    List<String> policyNames =
        split(TaskDefinitionOverlay.tag(running, TaskDefinitionOverlay.TAG_POLICIES).orElse(""));
    Instant expires =
        TaskDefinitionOverlay.tag(running, TaskDefinitionOverlay.TAG_EXPIRES)
            .map(Instant::parse)
            .orElse(clock.instant());
    String base = TaskDefinitionOverlay.tag(running, TaskDefinitionOverlay.TAG_BASE).orElseThrow();
    boolean any = false;
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      if (store.session(id).isPresent()) {
        continue;
      }
      String policyName =
          i < policyNames.size()
              ? policyNames.get(i)
              : policyNames.isEmpty() ? "unknown" : policyNames.getLast();
      var actions =
          policies.current().policy(policyName).map(p -> p.spec().actions()).orElse(List.of());
      Session session =
          new Session(
              id,
              policyName,
              actions,
              ServiceArns.cluster(service.serviceArn()),
              service.serviceArn(),
              service.serviceName(),
              Session.Origin.RECOVERED,
              "rebuilt from the tags of " + running.taskDefinition().taskDefinitionArn(),
              Session.State.ACTIVE,
              running.taskDefinition().registeredAt() == null
                  ? clock.instant()
                  : running.taskDefinition().registeredAt(),
              expires,
              Optional.empty(),
              Optional.empty(),
              false,
              Optional.of(base),
              Optional.of(running.taskDefinition().taskDefinitionArn()),
              Optional.empty(),
              false,
              true,
              Optional.empty());
      store.save(session);
      findings.record(
          FindingKind.SessionOpened,
          Sessions.subject(session),
          "session %s of %s on %s recovered from ECS tags (expires %s)"
              .formatted(id, policyName, service.serviceName(), expires));
      any = true;
    }
    return any;
  }

  /**
   * What the service's {@link ServiceMemory} tags remember and the store has lost: sessions that
   * ended (stored as ENDED, so a DebugSession still in git does not open again), the ECS Exec
   * setting and the capacity to put back.
   *
   * @return whether there is something to put back (the service needs a reconcile)
   */
  private boolean restoreMemory(Service service) {
    Map<String, String> tags = ServiceCache.tags(service);
    String arn = service.serviceArn();
    for (ServiceMemory.Ended ended : ServiceMemory.ended(tags)) {
      if (store.session(ended.id()).isPresent()) {
        continue;
      }
      store.save(
          new Session(
              ended.id(),
              "(unknown)",
              List.of(),
              ServiceArns.cluster(arn),
              arn,
              service.serviceName(),
              Session.Origin.RECOVERED,
              "remembered by the service's tag " + ServiceMemory.TAG_ENDED,
              Session.State.ENDED,
              ended.at(),
              ended.at(),
              Optional.of(ended.at()),
              Optional.of("ended before the store was lost"),
              false,
              Optional.empty(),
              Optional.empty(),
              Optional.empty(),
              false,
              true,
              Optional.empty()));
    }
    boolean putBack = false;
    Optional<Boolean> exec = ServiceMemory.execBefore(tags);
    if (exec.isPresent() && store.execBefore(arn).isEmpty()) {
      store.saveExecBefore(arn, exec.get());
      putBack = true;
    }
    Optional<CapacityChange> capacity = ServiceMemory.capacity(tags);
    if (capacity.isPresent() && store.capacity(arn).isEmpty()) {
      store.saveCapacity(arn, capacity.get());
      putBack = true;
    }
    if (putBack) {
      findings.record(
          FindingKind.Drift,
          Findings.Subject.of(ServiceArns.cluster(arn), service.serviceName(), null, null),
          "%s: what Sherlock changed and must put back was recovered from its tag %s: %s"
              .formatted(
                  service.serviceName(),
                  ServiceMemory.TAG_BEFORE,
                  tags.get(ServiceMemory.TAG_BEFORE)));
    }
    return putBack;
  }

  private static List<String> split(String value) {
    return value.isEmpty() ? List.of() : Arrays.asList(value.split(","));
  }
}
