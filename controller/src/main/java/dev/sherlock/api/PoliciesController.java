package dev.sherlock.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.finding.Finding;
import dev.sherlock.finding.FindingKind;
import dev.sherlock.policy.DebugPolicy;
import dev.sherlock.session.Session;
import dev.sherlock.session.Sessions;
import dev.sherlock.source.PolicySource;
import dev.sherlock.store.FindingStore;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /api/policies}: each policy in force with its status - mode, when it last fired, its
 * open sessions, how often it was suppressed, its last error - and the files currently rejected.
 */
// The store and AWS answer slowly at times: never on the event loop, which serves /health too.
@ExecuteOn(TaskExecutors.BLOCKING)
@Controller("/api/policies")
public final class PoliciesController {
  private final PolicySource policies;
  private final Sessions sessions;
  private final FindingStore findings;
  private final Clock clock;

  public PoliciesController(
      PolicySource policies, Sessions sessions, FindingStore findings, Clock clock) {
    this.clock = clock;
    this.policies = policies;
    this.sessions = sessions;
    this.findings = findings;
  }

  @Get
  public HttpResponse<String> list() {
    ObjectNode body = Api.object();
    ArrayNode items = body.putArray("policies");
    List<Session> active = sessions.active();
    for (DebugPolicy policy : policies.policies()) {
      ObjectNode p =
          items
              .addObject()
              .put("name", policy.name())
              .put("valid", true)
              .put("mode", policy.spec().mode().yamlName());
      policies
          .gitStatus()
          .flatMap(PolicySource.GitStatus::commit)
          .ifPresent(c -> p.put("commit", c.id()));
      latest(policy.name(), FindingKind.TriggerFired)
          .ifPresent(f -> p.put("lastFired", f.time().toString()));
      p.put(
          "activeSessions", active.stream().filter(s -> s.policy().equals(policy.name())).count());
      p.put("suppressed", query(policy.name(), FindingKind.TriggerSuppressed, 10_000).size());
      latest(policy.name(), FindingKind.Error).ifPresent(f -> p.put("lastError", f.summary()));
    }
    ArrayNode rejected = body.putArray("rejected");
    policies.problems().forEach(d -> rejected.add(d.format()));
    policies.gitStatus().ifPresent(git -> body.set("source", source(git, clock.instant())));
    return Api.ok(body);
  }

  /** Where the policies come from: the remote, the commit in force, and how the last fetch went. */
  static ObjectNode source(PolicySource.GitStatus git, Instant now) {
    ObjectNode source =
        Api.object()
            .put("kind", "git")
            .put("location", git.source().location())
            .put("ref", git.source().fullRef());
    git.commit().ifPresent(c -> source.set("commit", c.json("id")));
    git.lastSync()
        .ifPresent(
            t ->
                source
                    .put("lastSync", t.toString())
                    .put("syncAgeSeconds", Duration.between(t, now).toSeconds()));
    git.error().ifPresent(e -> source.put("error", e));
    git.rejected().ifPresent(c -> source.set("rejectedCommit", c.json("id")));
    if (!git.signingKeys().isEmpty()) {
      // Only commits one of these keys signed apply (sherlock.git.require-signed-commits).
      git.signingKeys().forEach(source.putArray("signingKeys")::add);
    }
    return source;
  }

  private Optional<Finding> latest(String policy, FindingKind kind) {
    return query(policy, kind, 1).stream().findFirst();
  }

  private List<Finding> query(String policy, FindingKind kind, int limit) {
    return findings.query(
        new FindingStore.Query(
            Optional.empty(),
            Optional.empty(),
            Optional.of(policy),
            Optional.of(kind),
            Optional.empty(),
            Optional.empty(),
            limit));
  }
}
