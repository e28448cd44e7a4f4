package dev.sherlock.cli;

import dev.sherlock.config.SherlockConfig;
import dev.sherlock.controller.Controller;
import io.micronaut.context.ApplicationContext;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code sherlock run}: the controller daemon, until it is stopped (SIGTERM, Ctrl-C). */
@Command(
    name = "run",
    description = "Run the controller: watch policies and ECS, open and revert debug sessions.")
public final class RunCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin ControllerOptions options;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    ApplicationContext context =
        ApplicationContext.builder().properties(options.properties()).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Controller controller = context.getBean(Controller.class);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  controller.close();
                  context.close();
                  stopped.countDown();
                },
                "sherlock-shutdown"));
    controller.start();
    SherlockConfig config = context.getBean(SherlockConfig.class);
    out.printf(
        "sherlock: running (%s), policies from %s, events from queue %s, store in %s%n",
        config.dryRun() ? "dry run" : "enforce",
        config.policies(),
        config.queueName(),
        config.dataDir());
    out.flush();
    stopped.await();
    return 0;
  }
}
