package dev.sherlock.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code sherlock completion bash|zsh}: prints a completion script for every command and option,
 * generated from the command model so it never goes stale. {@code source <(sherlock completion
 * bash)} in a shell's rc file turns it on.
 */
@Command(
    name = "completion",
    description = "Print a shell completion script: source <(sherlock completion bash)")
public final class CompletionCommand implements Callable<Integer> {
  /** Shells with a script. */
  public enum Shell {
    bash,
    zsh
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "SHELL", description = "${COMPLETION-CANDIDATES}")
  Shell shell;

  @Override
  public Integer call() {
    String script = AutoComplete.bash("sherlock", spec.root().commandLine());
    // picocli's script serves zsh too, through zsh's bash-completion emulation.
    if (shell == Shell.zsh) {
      script =
          "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n"
              + script;
    }
    spec.commandLine().getOut().print(script);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
