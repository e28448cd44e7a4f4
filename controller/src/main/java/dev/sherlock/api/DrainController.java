package dev.sherlock.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.controller.Drain;
import dev.sherlock.session.Session;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.List;

/**
 * {@code POST /api/drain} (with the token): open no more sessions and end every open one, for an
 * uninstall. {@code GET /api/drain}: how far it has come, service by service.
 */
// The store and AWS answer slowly at times: never on the event loop, which serves /health too.
@ExecuteOn(TaskExecutors.BLOCKING)
@Controller("/api/drain")
public final class DrainController {
  private final Drain drain;
  private final ApiToken token;

  public DrainController(Drain drain, ApiToken token) {
    this.drain = drain;
    this.token = token;
  }

  @Post
  public HttpResponse<String> start(HttpRequest<?> request) {
    var refusal = token.check(request);
    if (refusal.isPresent()) {
      return Api.error(refusal.get().status(), refusal.get().message());
    }
    List<Session> ended = drain.start();
    ObjectNode body = status();
    ArrayNode endedNow = body.putArray("ended");
    ended.forEach(s -> endedNow.add(SessionsController.json(s)));
    return Api.status(202, body);
  }

  @Get
  public HttpResponse<String> get() {
    return Api.ok(status());
  }

  private ObjectNode status() {
    Drain.Status status = drain.status();
    ObjectNode body =
        Api.object()
            .put("draining", status.draining())
            .put("drained", status.drained())
            .put("openSessions", status.openSessions());
    ArrayNode services = body.putArray("services");
    for (Drain.ServiceStatus s : status.services()) {
      ObjectNode service =
          services
              .addObject()
              .put("cluster", s.cluster())
              .put("service", s.service())
              .put("onBase", s.onBase());
      s.waitingFor().forEach(service.putArray("waitingFor")::add);
    }
    return body;
  }
}
