package dev.sherlock;

import dev.sherlock.cli.CompletionCommand;
import dev.sherlock.cli.DebugCommand;
import dev.sherlock.cli.DrainCommand;
import dev.sherlock.cli.FindingsCommand;
import dev.sherlock.cli.HealthCommand;
import dev.sherlock.cli.InstallCommand;
import dev.sherlock.cli.PlanCommand;
import dev.sherlock.cli.RunCommand;
import dev.sherlock.cli.UninstallCommand;
import dev.sherlock.cli.ValidateCommand;
import io.micronaut.configuration.picocli.MicronautFactory;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sherlock} command line: one subcommand per job, all sharing one Micronaut context. */
@Command(
    name = "sherlock",
    mixinStandardHelpOptions = true,
    // Every subcommand inherits --help and --version, so `sherlock run --help` works everywhere.
    scope = CommandLine.ScopeType.INHERIT,
    versionProvider = Sherlock.Version.class,
    description = "Debug sessions for Amazon ECS services, declared as policies in git.",
    subcommands = {
      ValidateCommand.class,
      PlanCommand.class,
      RunCommand.class,
      DebugCommand.class,
      FindingsCommand.class,
      InstallCommand.class,
      DrainCommand.class,
      UninstallCommand.class,
      HealthCommand.class,
      CompletionCommand.class,
    })
public final class Sherlock implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /**
   * Runs one command line on the console; see {@link #execute(PrintWriter, PrintWriter,
   * String...)}.
   */
  public static int execute(String... args) {
    return execute(List.of(), args);
  }

  /**
   * Runs one command line on the console with more subcommands than the product's: the repository's
   * {@code ./sherlock} adds {@code demo} and {@code sandbox}, which the image leaves out with the
   * sandbox they start.
   */
  public static int execute(List<Class<?>> moreCommands, String... args) {
    return execute(
        new PrintWriter(System.out, true, StandardCharsets.UTF_8),
        new PrintWriter(System.err, true, StandardCharsets.UTF_8),
        moreCommands,
        args);
  }

  /** Runs one command line and returns its exit code; never throws, never prints a stack trace. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    return execute(out, err, List.of(), args);
  }

  private static int execute(
      PrintWriter out, PrintWriter err, List<Class<?>> moreCommands, String... args) {
    try (ApplicationContext context =
        ApplicationContext.builder(Sherlock.class, Environment.CLI).start()) {
      CommandLine commandLine = new CommandLine(Sherlock.class, new MicronautFactory(context));
      moreCommands.forEach(commandLine::addSubcommand);
      commandLine.addSubcommand(
          new CommandLine.HelpCommand()); // last in the list, after the extras
      commandLine.setOut(out);
      commandLine.setErr(err);
      commandLine.setExecutionExceptionHandler(
          (e, cmd, parsed) -> {
            Optional<UserError> mistake = UserError.in(e);
            cmd.getErr()
                .printf(
                    "%s: error: %s%n",
                    cmd.getCommandSpec().qualifiedName(),
                    mistake.map(Throwable::getMessage).orElseGet(() -> UserError.oneLine(e)));
            // 1: the setup or input is wrong and the message says how to fix it; 70 (EX_SOFTWARE):
            // our fault.
            return mistake.isPresent() ? 1 : 70;
          });
      int exitCode = commandLine.execute(args);
      out.flush();
      err.flush();
      return exitCode;
    }
  }

  /** The version from the jar's manifest (Maven's project version), or "dev" from classes. */
  public static String version() {
    return Optional.ofNullable(Sherlock.class.getPackage().getImplementationVersion())
        .orElse("dev");
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"sherlock " + version()};
    }
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
