package dev.sherlock.cli;

import dev.sherlock.aws.EcsGateway;
import dev.sherlock.plan.ClusterState;
import dev.sherlock.plan.LiveState;
import dev.sherlock.plan.Plan;
import dev.sherlock.plan.PlanJson;
import dev.sherlock.plan.PlanPrinter;
import dev.sherlock.plan.Planner;
import dev.sherlock.policy.load.PolicySet;
import io.micronaut.context.ApplicationContext;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;

/**
 * {@code sherlock plan PATH... [--state FILE]}: what the sessions these policies can open would
 * change on each service, as a diff. With {@code --state} it reads the services from a file and
 * calls no AWS API; without, it reads them live from ECS with describe and list calls only.
 */
@Command(
    name = "plan",
    description = "Show what sessions would change on each service, as a diff. Changes nothing.")
public final class PlanCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin PolicyArguments paths;

  @Option(
      names = "--state",
      paramLabel = "FILE",
      description =
          "JSON with 'services' (DescribeServices entries), 'taskDefinitions' (DescribeTaskDefinition"
              + " outputs) and optionally 'scalableTargets'. Without it: read ECS live.")
  Optional<Path> state;

  @Option(
      names = "--output",
      defaultValue = "text",
      description = "text (a diff per service) or json.")
  OutputFormat output;

  @picocli.CommandLine.Mixin ControllerOptions aws;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PolicySet policies = paths.load("plan", err);
    if (!policies.isValid()) {
      policies.problems().forEach(p -> err.println(p.format()));
      err.println("sherlock plan: fix the policies above first (see sherlock validate)");
      return 1;
    }
    ClusterState services;
    if (state.isPresent()) {
      try {
        services = ClusterState.read(state.get());
      } catch (ClusterState.StateException e) {
        err.println(e.getMessage());
        return 1;
      }
    } else {
      try (ApplicationContext context =
          ApplicationContext.builder().properties(aws.properties()).start()) {
        services =
            LiveState.read(
                context.getBean(EcsGateway.class),
                context.getBean(ApplicationAutoScalingClient.class),
                policies.policies());
      } catch (SdkException e) {
        err.println("sherlock plan: error: reading ECS failed: " + e.getMessage());
        return 1;
      }
    }
    Plan plan = new Planner().plan(policies, services);
    if (output == OutputFormat.json) {
      out.println(PlanJson.of(plan).toPrettyString());
    } else {
      new PlanPrinter(out).print(plan);
    }
    out.flush();
    return 0;
  }
}
