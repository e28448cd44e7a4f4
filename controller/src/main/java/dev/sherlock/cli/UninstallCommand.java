package dev.sherlock.cli;

import dev.sherlock.UserError;
import dev.sherlock.config.SherlockConfig;
import dev.sherlock.install.Installer;
import dev.sherlock.store.DynamoDbTables;
import io.micronaut.context.ApplicationContext;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** {@code sherlock uninstall}: removes the rule and the queue. */
@Command(
    name = "uninstall",
    description =
        "Remove the EventBridge rule and SQS queue; the store is kept unless --delete-data."
            + " Idempotent.")
public final class UninstallCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin ControllerOptions options;

  @Option(
      names = "--delete-data",
      description =
          "Also delete the store and everything in it: the DynamoDB tables with --store dynamodb,"
              + " else the SQLite file. Without it, sessions and findings are kept.")
  boolean deleteData;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (ApplicationContext context =
        ApplicationContext.builder().properties(options.properties()).start()) {
      var removed = context.getBean(Installer.class).uninstall();
      out.println(
          removed.isEmpty() ? "nothing to remove" : "removed " + String.join(" and ", removed));
      SherlockConfig config = context.getBean(SherlockConfig.class);
      if (config.store().kind() == SherlockConfig.Store.Kind.DYNAMODB) {
        DynamoDbTables tables = new DynamoDbTables(config.store().table());
        if (deleteData) {
          List<String> deleted = tables.delete(context.getBean(DynamoDbClient.class));
          out.println(
              deleted.isEmpty() ? "no tables to delete" : "deleted " + String.join(", ", deleted));
        } else {
          out.printf(
              "kept tables %s (--delete-data deletes them)%n", String.join(", ", tables.all()));
        }
      } else if (deleteData) {
        Path file = config.dataDir().resolve("sherlock.db");
        out.println(deleteFile(file) ? "deleted " + file : "no store at " + file);
      }
      return 0;
    }
  }

  /** The SQLite file with its write-ahead log and shared memory, as SQLite leaves them. */
  private static boolean deleteFile(Path file) {
    try {
      boolean deleted = Files.deleteIfExists(file);
      Files.deleteIfExists(Path.of(file + "-wal"));
      Files.deleteIfExists(Path.of(file + "-shm"));
      return deleted;
    } catch (IOException e) {
      throw new UserError("cannot delete %s: %s".formatted(file, e.getMessage()));
    }
  }
}
