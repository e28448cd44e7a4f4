package dev.sherlock.workbench;

import dev.sherlock.policy.Durations;
import dev.sherlock.sandbox.FleetWorld;
import dev.sherlock.sandbox.MysfitsWorld;
import dev.sherlock.sandbox.Sandbox;
import dev.sherlock.sandbox.faults.AwsBudgets;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sherlock sandbox}: the local AWS control plane alone, on the wall clock, for the AWS CLI,
 * an SDK, or Sherlock itself to talk to.
 */
@Command(
    name = "sandbox",
    description =
        "Run the local AWS control plane (ECS, Auto Scaling, EventBridge, CloudWatch, Logs, SQS, DynamoDB).")
public final class SandboxCommand implements Callable<Integer> {
  /** Worlds the sandbox can start with. */
  public enum Seed {
    none,
    mysfits,
    fleet
  }

  /** Request budgets the sandbox's ECS enforces. */
  public enum Budgets {
    none,
    aws
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--port",
      defaultValue = "4566",
      description = "Port on 127.0.0.1 (0: any free one). Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(
      names = "--seed",
      defaultValue = "none",
      description = "World to create: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
  Seed seed;

  @Option(
      names = "--services",
      defaultValue = "100",
      description = "With --seed fleet: how many services (default: ${DEFAULT-VALUE}).")
  int services;

  @Option(
      names = "--tasks",
      defaultValue = "1",
      description = "With --seed fleet: tasks per service (default: ${DEFAULT-VALUE}).")
  int tasks;

  @Option(
      names = "--budgets",
      defaultValue = "none",
      description =
          "ECS request budgets: none, or aws (the published token buckets: RegisterTaskDefinition"
              + " 20 then 1/s, ...). Default: ${DEFAULT-VALUE}.")
  Budgets budgets;

  @Option(
      names = "--for",
      paramLabel = "DURATION",
      description = "Stop after this long (e.g. 10m); default: until interrupted.")
  Optional<String> runFor;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<Duration> limit;
    try {
      limit = runFor.map(Durations::parse);
    } catch (IllegalArgumentException e) {
      err.println("sherlock sandbox: error: --for: " + e.getMessage());
      return 2;
    }
    if (services < 1 || services > 100_000) {
      err.println("sherlock sandbox: error: --services must be between 1 and 100000");
      return 2;
    }
    if (tasks < 0 || tasks > 100) {
      err.println("sherlock sandbox: error: --tasks must be between 0 and 100");
      return 2;
    }
    Sandbox sandbox;
    try {
      sandbox = Sandbox.builder().port(port).seed(System.nanoTime()).start();
    } catch (UncheckedIOException e) {
      boolean inUse = e.getCause() instanceof BindException;
      err.printf(
          "sherlock sandbox: error: %s%n",
          inUse ? "port %d is in use; choose another with --port".formatted(port) : e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              sandbox.close();
              stopped.countDown();
            });
    Runtime.getRuntime().addShutdownHook(hook);
    switch (seed) {
      case mysfits -> MysfitsWorld.seed(sandbox);
      case fleet -> FleetWorld.seed(sandbox, services, tasks);
      case none -> {}
    }
    if (budgets == Budgets.aws) {
      AwsBudgets.enforce(sandbox.faults()); // after seeding: the world is not the budget's concern
    }
    sandbox.calls().reset(); // so the ledger holds the callers' calls only
    String endpoint = sandbox.endpoint().toString();
    out.printf(
        "Sherlock sandbox on %s: ECS, Application Auto Scaling, EventBridge, CloudWatch, CloudWatch Logs, SQS, DynamoDB%n",
        endpoint);
    switch (seed) {
      case mysfits ->
          out.println(
              "World: cluster mysfits with like-service (CHAOSMODE=on, LOGLEVEL=ERROR, behind an ALB) and monolith, 2 tasks each");
      case fleet ->
          out.printf(
              "World: cluster fleet with %d services (%s ... %s), %d task%s each%n",
              services,
              FleetWorld.service(1),
              FleetWorld.service(services),
              tasks,
              tasks == 1 ? "" : "s");
      case none -> {}
    }
    if (budgets == Budgets.aws) {
      out.println("ECS enforces AWS's published request budgets (ThrottlingException beyond them)");
    }
    out.printf(
        """

        Point the AWS CLI or an SDK at it:
          export AWS_ENDPOINT_URL=%1$s
          export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=%2$s AWS_DEFAULT_REGION=%2$s
          aws --endpoint-url %1$s ecs list-services --cluster mysfits   # CLIs older than 2.13 ignore AWS_ENDPOINT_URL

        API call counts: %1$s/_sandbox/calls (POST %1$s/_sandbox/calls/reset starts afresh)
        every call with its time: %1$s/_sandbox/ledger[?since=EPOCH_MILLIS]
        task metadata address map: %1$s/_sandbox/address-map
        %3$s
        """,
        endpoint,
        sandbox.region(),
        limit.map(d -> "Stops after " + Durations.format(d) + ".").orElse("Ctrl-C stops it."));
    out.flush();
    if (limit.isPresent()) {
      stopped.await(limit.get().toMillis(), TimeUnit.MILLISECONDS);
      Runtime.getRuntime().removeShutdownHook(hook);
      sandbox.close();
    } else {
      stopped.await();
    }
    return 0;
  }
}
