package dev.sherlock.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.aws.ApiBudgets;
import dev.sherlock.session.Fleet;
import dev.sherlock.session.Session;
import dev.sherlock.store.SessionStore;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /api/fleets/{id}}: how far a fleet's rollout is - sessions applied of all opened, the
 * services still waiting, and an estimate of the time left from what the registration budget grants
 * now (every session's overlay is one RegisterTaskDefinition, ECS's slowest bucket).
 */
@ExecuteOn(TaskExecutors.BLOCKING)
@Controller("/api/fleets")
public final class FleetsController {
  /** How many waiting services the answer names. */
  private static final int WAITING_SHOWN = 20;

  private final SessionStore store;
  private final ApiBudgets budgets;

  public FleetsController(SessionStore store, ApiBudgets budgets) {
    this.store = store;
    this.budgets = budgets;
  }

  @Get("/{id}")
  public HttpResponse<String> progress(@PathVariable String id) {
    var found = store.fleet(id);
    if (found.isEmpty()) {
      throw Api.notFound("no fleet " + id);
    }
    Fleet fleet = found.get();
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
