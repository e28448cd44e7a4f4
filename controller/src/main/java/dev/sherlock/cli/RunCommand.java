package dev.sherlock.cli;

import ch.qos.logback.classic.Level;
import dev.sherlock.Sherlock;
import dev.sherlock.UserError;
import dev.sherlock.api.ApiServer;
import dev.sherlock.aws.Preflight;
import dev.sherlock.config.SherlockConfig;
import dev.sherlock.controller.Controller;
import dev.sherlock.source.PolicySource;
import dev.sherlock.source.Recorder;
import io.micronaut.context.ApplicationContext;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * {@code sherlock run}: the controller daemon. It checks its setup first (policies, region,
 * credentials, ECS, the queue) and exits 1 with one line if something is wrong; then it serves the
 * HTTP API, runs the controller and logs to stdout until SIGTERM or SIGINT, when it stops taking
 * work, lets in-flight reconciles finish, and exits 0.
 */
@Command(
    name = "run",
    description = "Run the controller: watch policies and ECS, open and revert debug sessions.")
public final class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin ControllerOptions options;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "Port of the HTTP API (0: any free port; default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      defaultValue = "127.0.0.1",
      description =
          "Address the HTTP API listens on (default: ${DEFAULT-VALUE}; 0.0.0.0 in a container).")
  String bind;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "File holding the API token that mutating calls need (default: $SHERLOCK_API_TOKEN;"
              + " with neither, mutating calls are refused).")
  Optional<Path> tokenFile;

  @Option(
      names = "--shards",
      paramLabel = "N",
      description =
          "With --store dynamodb: split the fleet into N shards, each with a lease of its own, so"
              + " that N replicas act at once (1 to 64; default: 1, one replica acts).")
  Optional<Integer> shards;

  @Option(
      names = "--record",
      paramLabel = "FILE",
      description =
          "Write every event received and metric datapoint read to FILE as JSON lines, for"
              + " `sherlock replay`.")
  Optional<Path> record;

  @Option(
      names = "--log-format",
      defaultValue = "auto",
      description =
          "json (one object per line), text, or auto: text at a terminal, else json (default).")
  DaemonLogging.Format logFormat;

  @Option(
      names = "--log-level",
      defaultValue = "INFO",
      description = "INFO (default), DEBUG (with stack traces of failures) or WARN.")
  String logLevel;

  @Override
  public Integer call() throws InterruptedException, IOException {
    DaemonLogging.configure(logFormat, Level.toLevel(logLevel, Level.INFO));
    Map<String, Object> properties = options.properties();
    properties.put("micronaut.server.host", bind);
    properties.put("micronaut.server.port", port == 0 ? -1 : port);
    shards.ifPresent(n -> properties.put("sherlock.shards", n));
    record.ifPresent(file -> properties.put(Recorder.PROPERTY, file.toString()));
    if (tokenFile.isPresent()) {
      properties.put("sherlock.api.token", readToken(tokenFile.get()));
    }
    CountDownLatch stop = Termination.requested();
    try (ApplicationContext context = ApplicationContext.builder().properties(properties).start()) {
      SherlockConfig config = context.getBean(SherlockConfig.class);
      context.getBean(Preflight.class).check();
      // Opened before anything is received: a file that cannot be written stops the start.
      context.getBean(Recorder.class);
      URI api = startApi(context);
      Controller controller = context.getBean(Controller.class);
      AtomicBoolean leaseLost = new AtomicBoolean();
      controller.onLeaseLost(
          () -> {
            leaseLost.set(true);
            stop.countDown();
          });
      controller.start();
      PolicySource policies = context.getBean(PolicySource.class);
      LOG.atInfo()
          .setMessage(
              "sherlock {} running ({}): {} policies from {}, events from queue {}, API and console on {}")
          .addArgument(Sherlock.version())
          .addArgument(config.dryRun() ? "dry run" : "enforce")
          .addArgument(policies.policies().size())
          .addArgument(policySource(config))
          .addArgument(config.queueName())
          .addArgument(api)
          .addKeyValue("version", Sherlock.version())
          .addKeyValue("mode", config.mode().name())
          .addKeyValue(
              "endpoint", config.aws().endpoint().map(Object::toString).orElse("(regional)"))
          .addKeyValue(
              "region", context.getBean(EcsClient.class).serviceClientConfiguration().region().id())
          .addKeyValue("queue", config.queueName())
          .addKeyValue("policySource", policySource(config))
          .addKeyValue("policies", policies.policies().size())
          .addKeyValue(
              "store",
              config.store().kind() == SherlockConfig.Store.Kind.DYNAMODB
                  ? "dynamodb:" + config.store().table()
                  : config.dataDir().resolve("sherlock.db").toString())
          .addKeyValue("api", api.toString())
          .addKeyValue("record", record.map(Path::toString).orElse("(off)"))
          .log();
      stop.await();
      if (leaseLost.get()) {
        // Changes stopped with the lease; a fresh start stands by for it like any replica.
        LOG.warn(
            "lost the lease to another replica: stopping (exit 3) to start again as a standby");
        controller.close();
        return 3;
      }
      LOG.info("stopping: no new work; waiting for in-flight reconciles");
      controller.close();
      LOG.info("stopped");
      return 0;
    }
  }

  private static String policySource(SherlockConfig config) {
    return config
        .git()
        .map(SherlockConfig.Git::location)
        .orElseGet(() -> config.policies().toString());
  }

  private static String readToken(Path file) {
    try {
      String token = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (token.isEmpty()) {
        throw new UserError("--token-file %s is empty".formatted(file));
      }
      return token;
    } catch (IOException e) {
      throw new UserError("cannot read --token-file %s: %s".formatted(file, UserError.oneLine(e)));
    }
  }

  private URI startApi(ApplicationContext context) {
    try {
      return ApiServer.start(context);
    } catch (RuntimeException e) {
      throw new UserError(
          "cannot serve the HTTP API on %s:%d (%s): choose another --port or --bind"
              .formatted(bind, port, UserError.oneLine(e)));
    }
  }
}
