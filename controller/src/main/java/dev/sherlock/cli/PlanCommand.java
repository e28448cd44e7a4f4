package dev.sherlock.cli;

import dev.sherlock.plan.ClusterState;
import dev.sherlock.plan.PlanPrinter;
import dev.sherlock.plan.Planner;
import dev.sherlock.policy.load.PolicyLoader;
import dev.sherlock.policy.load.PolicySet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sherlock plan PATH... --state FILE}: what the sessions these policies can open would
 * change on each service, as a diff, without calling AWS.
 */
@Command(
    name = "plan",
    description = "Show what sessions would change on each service, as a diff. Calls no AWS API.")
public final class PlanCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Policy files or directories.")
  List<Path> paths;

  @Option(
      names = "--state",
      required = true,
      paramLabel = "FILE",
      description =
          "JSON with 'services' (DescribeServices entries), 'taskDefinitions' (DescribeTaskDefinition"
              + " outputs) and optionally 'scalableTargets'.")
  Path state;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PolicySet policies = new PolicyLoader().load(paths);
    if (!policies.isValid()) {
      policies.problems().forEach(p -> err.println(p.format()));
      err.println("sherlock plan: fix the policies above first (see sherlock validate)");
      return 1;
    }
    ClusterState services;
    try {
      services = ClusterState.read(state);
    } catch (ClusterState.StateException e) {
      err.println(e.getMessage());
      return 1;
    }
    new PlanPrinter(out).print(new Planner().plan(policies, services));
    out.flush();
    return 0;
  }
}
