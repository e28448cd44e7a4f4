package dev.sherlock.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.aws.EcsGateway;
import dev.sherlock.plan.LiveState;
import dev.sherlock.plan.Plan;
import dev.sherlock.plan.PlanJson;
import dev.sherlock.plan.PlanPrinter;
import dev.sherlock.plan.Planner;
import dev.sherlock.policy.load.PolicySet;
import dev.sherlock.source.PolicySource;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Optional;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;

/**
 * {@code GET /api/plan?cluster=&service=}: what the policies in force would do to the watched
 * services as ECS runs them now - {@code sherlock plan}'s answer, as JSON with its text - for the
 * console's "what would this do". Describe and list calls only, on request, never on a schedule.
 */
@ExecuteOn(TaskExecutors.BLOCKING)
@Controller("/api/plan")
public final class PlanController {
  private final PolicySource policies;
  private final EcsGateway ecs;
  private final ApplicationAutoScalingClient autoScaling;

  public PlanController(
      PolicySource policies, EcsGateway ecs, ApplicationAutoScalingClient autoScaling) {
    this.policies = policies;
    this.ecs = ecs;
    this.autoScaling = autoScaling;
  }

  @Get
  public HttpResponse<String> plan(
      @QueryValue Optional<String> cluster, @QueryValue Optional<String> service) {
    PolicySet set = policies.current();
    Plan whole = new Planner().plan(set, LiveState.read(ecs, autoScaling, set.policies()));
    Plan plan =
        new Plan(
            whole.services().stream()
                .filter(s -> cluster.map(s.cluster()::equals).orElse(true))
                .filter(s -> service.map(s.service()::equals).orElse(true))
                .toList());
    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text);
    new PlanPrinter(out).print(plan);
    out.flush();
    ObjectNode body = PlanJson.of(plan).put("text", text.toString());
    return Api.ok(body);
  }
}
