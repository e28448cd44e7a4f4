package dev.sherlock.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.aws.ApiBudgets;
import dev.sherlock.session.Fleet;
import dev.sherlock.session.Session;
import dev.sherlock.session.Sessions;
import dev.sherlock.store.SessionStore;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /api/fleets/{id}}: how far a fleet's rollout is - sessions applied of all opened, the
 * services still waiting, and an estimate of the time left from what the registration budget grants
 * now (every session's overlay is one RegisterTaskDefinition, ECS's slowest bucket). {@code DELETE
 * /api/fleets/{id}} (token) ends every session of the fleet at once: their reverts are read and
 * made together.
 */
@ExecuteOn(TaskExecutors.BLOCKING)
@Controller("/api/fleets")
public final class FleetsController {
  /** How many waiting services the answer names. */
  private static final int WAITING_SHOWN = 20;

  private final SessionStore store;
  private final ApiBudgets budgets;
  private final Sessions sessions;
  private final ApiToken token;

  public FleetsController(
      SessionStore store, ApiBudgets budgets, Sessions sessions, ApiToken token) {
    this.store = store;
    this.budgets = budgets;
    this.sessions = sessions;
    this.token = token;
  }

  @Delete("/{id}")
  public HttpResponse<String> end(HttpRequest<?> request, @PathVariable String id) {
    var refusal = token.check(request);
    if (refusal.isPresent()) {
      return Api.error(refusal.get().status(), refusal.get().message());
    }
    Fleet fleet = store.fleet(id).orElseThrow(() -> Api.notFound("no fleet " + id));
    int ended = 0;
    for (String sessionId : fleet.sessionIds()) {
      if (sessions.end(sessionId, "its fleet %s was ended by hand".formatted(id)).isPresent()) {
        ended++;
      }
    }
    return Api.ok(json(fleet).put("ended", ended));
  }

  @Get("/{id}")
  public HttpResponse<String> progress(@PathVariable String id) {
    Fleet fleet = store.fleet(id).orElseThrow(() -> Api.notFound("no fleet " + id));
    int applied = 0;
    int ended = 0;
    List<String> waiting = new ArrayList<>();
    for (String sessionId : fleet.sessionIds()) {
      var session = store.session(sessionId);
      if (session.isEmpty() || !session.get().active()) {
        ended++;
      } else if (done(session.get())) {
        applied++;
      } else {
        waiting.add(session.get().serviceName());
      }
    }
    double perSecond = budgets.rate("ecs.taskdef-modify");
    ObjectNode body = json(fleet);
    body.put("opened", fleet.sessionIds().size())
        .put("applied", applied)
        .put("ended", ended)
        .put("remaining", waiting.size())
        .put("etaSeconds", Math.round(waiting.size() / perSecond));
    ArrayNode names = body.putArray("waiting");
    waiting.stream().limit(WAITING_SHOWN).forEach(names::add);
    return Api.ok(body);
  }

  /** The session's changes are in place: its revision deployed, or its dry run recorded. */
  private static boolean done(Session s) {
    return s.dryRun() ? s.planned() : s.appliedRevision().isPresent();
  }

  static ObjectNode json(Fleet f) {
    return Api.object()
        .put("fleet", f.id())
        .put("policy", f.policy())
        .put("cluster", f.cluster())
        .put("services", f.services())
        .put("maxSessions", f.maxSessions())
        .put("changesPerHour", f.changesPerHour())
        .put("openedAt", f.openedAt().toString());
  }
}
