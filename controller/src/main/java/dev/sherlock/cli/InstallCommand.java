package dev.sherlock.cli;

import dev.sherlock.config.SherlockConfig;
import dev.sherlock.install.Installer;
import dev.sherlock.policy.load.PolicyLoader;
import dev.sherlock.policy.load.PolicySet;
import dev.sherlock.source.git.GitPolicyRepository;
import dev.sherlock.store.DynamoDbTables;
import io.micronaut.context.ApplicationContext;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** {@code sherlock install}: the EventBridge rule and the SQS queue that feed Sherlock. */
@Command(
    name = "install",
    description =
        "Create (or update) the EventBridge rule and SQS queue Sherlock reads, and with --store"
            + " dynamodb the store's tables. Idempotent.")
public final class InstallCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin ControllerOptions options;

  /** The policies of the remote's current commit: the rule is built from their clusters. */
  private static PolicySet fromGit(SherlockConfig.Git git) {
    try (GitPolicyRepository repository = new GitPolicyRepository(git)) {
      GitPolicyRepository.Fetched fetched = repository.fetchOrRefuse();
      return new PolicyLoader().load(fetched.files(), fetched.problems());
    }
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (ApplicationContext context =
        ApplicationContext.builder().properties(options.properties()).start()) {
      SherlockConfig config = context.getBean(SherlockConfig.class);
      PolicySet policies =
          config
              .git()
              .map(InstallCommand::fromGit)
              .orElseGet(() -> new PolicyLoader().load(List.of(config.policies())));
      if (!policies.isValid()) {
        policies.problems().forEach(p -> err.println(p.format()));
        err.println(
            "sherlock install: fix the policies first; the rule is built from their clusters");
        return 1;
      }
      Installer.Installed installed = context.getBean(Installer.class).install(policies.policies());
      out.printf("queue  %s (%s)%n", installed.queueUrl(), installed.queueArn());
      out.printf("rule   %s%n", installed.ruleArn());
      out.printf("       pattern %s%n", installed.pattern());
      if (config.store().kind() == SherlockConfig.Store.Kind.DYNAMODB) {
        DynamoDbTables tables = new DynamoDbTables(config.store().table());
        List<String> created = tables.create(context.getBean(DynamoDbClient.class));
        out.printf(
            "tables %s (%s; on-demand, point-in-time recovery, findings expire by TTL)%n",
            String.join(", ", tables.all()),
            created.isEmpty() ? "there already" : "created " + String.join(", ", created));
      }
      return 0;
    }
  }
}
