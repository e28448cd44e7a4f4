package dev.sherlock.cli;

import dev.sherlock.UserError;
import dev.sherlock.config.SherlockConfig;
import dev.sherlock.policy.load.Diagnostic;
import dev.sherlock.policy.load.PolicyLoader;
import dev.sherlock.policy.load.PolicySet;
import dev.sherlock.source.git.GitPolicyRepository;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * The policies {@code validate} and {@code plan} read: files and directories, or one git remote as
 * {@code run --policies} takes it ({@code git+https://...?ref=main&path=policies}), fetched once
 * into memory with the same {@code SHERLOCK_GIT_*} settings - so a team can check what a branch
 * holds, signatures included, before the daemon follows it.
 */
final class PolicyArguments {
  @picocli.CommandLine.Parameters(
      arity = "1..*",
      paramLabel = "PATH",
      description =
          "Policy files or directories, or one git remote as run --policies takes it"
              + " (git+https://host/org/repo.git?ref=main&path=policies).")
  List<String> arguments;

  /**
   * Loads the arguments; for a remote, names the commit read on {@code err}.
   *
   * @throws UserError when a remote is mixed with paths, or cannot be fetched
   */
  PolicySet load(String command, PrintWriter err) {
    if (arguments.stream().noneMatch(SherlockConfig.Git::isLocation)) {
      return new PolicyLoader().load(arguments.stream().map(Path::of).toList());
    }
    if (arguments.size() > 1) {
      throw new UserError("a git remote is read alone: give it, or files and directories");
    }
    String location = arguments.getFirst();
    // The environment alone (variables and system properties), not a context that starts beans.
    Environment env =
        ApplicationContext.builder().deduceEnvironment(false).build().getEnvironment();
    env.start();
    try (GitPolicyRepository repository =
        new GitPolicyRepository(SherlockConfig.Git.fromLocation(location, env))) {
      GitPolicyRepository.Fetched fetched = repository.fetchOrRefuse();
      err.printf(
          "sherlock %s: commit %s by %s: %s%n",
          command,
          fetched.commit().shortId(),
          fetched.commit().author(),
          fetched.commit().message());
      err.flush();
      if (fetched.untrusted().isPresent()) {
        return new PolicyLoader()
            .load(
                List.of(),
                List.of(
                    Diagnostic.ofFile(
                        "commit " + fetched.commit().shortId(), fetched.untrusted().get())));
      }
      return new PolicyLoader().load(fetched.files(), fetched.problems());
    } finally {
      env.stop();
    }
  }
}
