package dev.sherlock.controller;

import dev.sherlock.aws.EcsGateway;
import dev.sherlock.finding.FindingKind;
import dev.sherlock.finding.Findings;
import dev.sherlock.overlay.TaskDefinitionOverlay;
import dev.sherlock.reconcile.ServiceArns;
import dev.sherlock.session.Session;
import dev.sherlock.session.Sessions;
import dev.sherlock.source.PolicySource;
import dev.sherlock.source.Selection;
import dev.sherlock.store.SessionStore;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * Rebuilds sessions from ECS when the store has lost them: every service that runs one of
 * Sherlock's overlay revisions carries, in that revision's tags, the sessions, their policies, the
 * base revision and the latest expiry. Sessions found there that the store does not know are
 * recreated (origin RECOVERED) with that expiry - so an expired one is reverted at once, and a live
 * one runs out its time.
 */
@Singleton
public final class Recovery {
  private final EcsGateway ecs;
  private final SessionStore store;
  private final PolicySource policies;
  private final Findings findings;
  private final Clock clock;

  public Recovery(
      EcsGateway ecs, SessionStore store, PolicySource policies, Findings findings, Clock clock) {
    this.ecs = ecs;
    this.store = store;
    this.policies = policies;
    this.findings = findings;
    this.clock = clock;
  }

  /** Returns the services that had sessions rebuilt. */
  public List<String> recover() {
    List<String> recovered = new ArrayList<>();
    List<Service> services;
    try {
      services = Selection.servicesOfWatchedClusters(ecs, policies.policies());
    } catch (RuntimeException e) {
      findings.record(
          FindingKind.Error,
          Findings.Subject.NONE,
          "cannot look for sessions to recover: " + e.getMessage());
      return recovered;
    }
    for (Service service : services) {
      DescribeTaskDefinitionResponse running = ecs.taskDefinition(service.taskDefinition());
      if (TaskDefinitionOverlay.tag(running, TaskDefinitionOverlay.TAG_MANAGED).isPresent()
          && rebuild(service, running)) {
        recovered.add(service.serviceArn());
      }
    }
    return recovered;
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
              true);
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

  private static List<String> split(String value) {
    return value.isEmpty() ? List.of() : Arrays.asList(value.split(","));
  }
}
