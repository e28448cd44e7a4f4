package dev.sherlock.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.reconcile.ServiceArns;
import dev.sherlock.session.Session;
import dev.sherlock.session.Sessions;
import dev.sherlock.source.ServiceCache;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.Comparator;
import java.util.List;

/**
 * {@code GET /api/services}: the services Sherlock watches, as it last read them - revision,
 * desired and running counts, whether a deployment is rolling - with their open sessions. No call
 * to AWS: the cache is what the event stream and resyncs keep current.
 */
@ExecuteOn(TaskExecutors.BLOCKING)
@Controller("/api/services")
public final class ServicesController {
  private final ServiceCache services;
  private final Sessions sessions;

  public ServicesController(ServiceCache services, Sessions sessions) {
    this.services = services;
    this.sessions = sessions;
  }

  @Get
  public HttpResponse<String> list() {
    List<Session> active = sessions.active();
    ObjectNode body = Api.object();
    ArrayNode items = body.putArray("services");
    services.all().stream()
        .sorted(Comparator.comparing(s -> s.serviceArn()))
        .forEach(
            s -> {
              ObjectNode service =
                  items
                      .addObject()
                      .put("cluster", ServiceArns.cluster(s.serviceArn()))
                      .put("service", s.serviceName())
                      .put("taskDefinition", shortRevision(s.taskDefinition()))
                      .put("desired", s.desiredCount())
                      .put("running", s.runningCount())
                      .put("pending", s.pendingCount())
                      .put(
                          "rolling",
                          s.deployments().stream()
                              .anyMatch(d -> "IN_PROGRESS".equals(d.rolloutStateAsString())));
              ArrayNode open = service.putArray("sessions");
              active.stream()
                  .filter(a -> a.serviceArn().equals(s.serviceArn()))
                  .forEach(a -> open.add(a.id()));
            });
    return Api.ok(body);
  }

  private static String shortRevision(String arn) {
    return arn == null ? "" : arn.substring(arn.lastIndexOf('/') + 1);
  }
}
