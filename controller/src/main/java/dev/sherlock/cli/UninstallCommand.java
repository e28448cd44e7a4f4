package dev.sherlock.cli;

import dev.sherlock.install.Installer;
import io.micronaut.context.ApplicationContext;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code sherlock uninstall}: removes the rule and the queue. */
@Command(name = "uninstall", description = "Remove the EventBridge rule and SQS queue. Idempotent.")
public final class UninstallCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin ControllerOptions options;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (ApplicationContext context =
        ApplicationContext.builder().properties(options.properties()).start()) {
      var removed = context.getBean(Installer.class).uninstall();
      out.println(
          removed.isEmpty() ? "nothing to remove" : "removed " + String.join(" and ", removed));
      return 0;
    }
  }
}
