package dev.sherlock.plan;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.plan.Plan.ServicePlan;
import dev.sherlock.plan.Plan.SessionPlan;
import dev.sherlock.policy.Durations;
import java.util.List;

/**
 * {@code sherlock plan --output json}: the same plan as the text, for a CI job or a bot to read;
 * each change carries the line the text shows for it, so both say exactly the same.
 */
public final class PlanJson {
  private PlanJson() {}

  public static ObjectNode of(Plan plan) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ArrayNode services = root.putArray("services");
    for (ServicePlan service : plan.services()) {
      ObjectNode s =
          services
              .addObject()
              .put("cluster", service.cluster())
              .put("service", service.service())
              .put("taskDefinition", service.taskDefinition())
              .put("desiredCount", service.desiredCount());
      strings(s.putArray("problems"), service.problems());
      ArrayNode sessions = s.putArray("sessions");
      for (SessionPlan session : service.sessions()) {
        ObjectNode p =
            sessions
                .addObject()
                .put("policy", session.policy().name())
                .put("mode", session.mode().name())
                .put("duration", Durations.format(session.duration()))
                .put("changesNothing", session.changesNothing());
        session.declaredBy().ifPresent(d -> p.put("declaredBy", d));
        session.newRevisionOf().ifPresent(r -> p.put("newRevisionOf", r));
        strings(
            p.putArray("taskDefinition"),
            session.taskDefinition().stream().map(PlanPrinter::describe).toList());
        ArrayNode changes = p.putArray("service");
        session
            .service()
            .forEach(
                c ->
                    changes
                        .addObject()
                        .put("setting", c.setting())
                        .put("before", c.before())
                        .put("after", c.after()));
        strings(p.putArray("snapshot"), session.snapshot());
        if (!session.snapshotAfter().isZero()) {
          p.put("snapshotAfterSeconds", session.snapshotAfter().toSeconds());
        }
        strings(p.putArray("problems"), session.problems());
      }
    }
    return root;
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }
}
