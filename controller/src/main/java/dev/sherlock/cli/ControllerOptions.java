package dev.sherlock.cli;

import dev.sherlock.UserError;
import dev.sherlock.config.SherlockConfigFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options every command that talks to AWS shares. Each overrides the matching {@code
 * sherlock.*} property (which can also come from application.yml or SHERLOCK_* variables).
 */
public final class ControllerOptions {
  // A string, not a Path: a path would fold the // of a git URL into one slash.
  @Option(
      names = "--policies",
      paramLabel = "DIR|GIT-URL",
      description =
          "Policy directory, or a git remote: git+https://host/org/repo.git?ref=main&path=policies"
              + " (default: policies).")
  Optional<String> policies;

  @Option(
      names = "--endpoint",
      paramLabel = "[SERVICE=]URL",
      description =
          "One endpoint for every AWS service (the sandbox, LocalStack), or with SERVICE= for one"
              + " of them (ecs, sqs, events, monitoring, logs, xray, application-autoscaling, dynamodb);"
              + " repeatable.")
  List<String> endpoint = List.of();

  @Option(names = "--region", description = "AWS region (default: the SDK's chain).")
  Optional<String> region;

  @Option(names = "--profile", description = "AWS profile (default: the SDK's chain).")
  Optional<String> profile;

  @Option(
      names = "--queue",
      paramLabel = "NAME",
      description = "SQS queue fed by the EventBridge rule (default: sherlock-ecs-events).")
  Optional<String> queue;

  @Option(names = "--mode", description = "enforce or dryRun (default: enforce).")
  Optional<String> mode;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Where the SQLite store lives (default: sherlock-data).")
  Optional<Path> dataDir;

  @Option(
      names = "--store",
      paramLabel = "KIND",
      description =
          "sqlite (one replica, the file under --data-dir) or dynamodb (tables that several"
              + " replicas share; default: sqlite).")
  Optional<String> store;

  @Option(
      names = "--table",
      paramLabel = "PREFIX",
      description =
          "With --store dynamodb: the tables are PREFIX-sessions, PREFIX-findings and"
              + " PREFIX-state (default: sherlock).")
  Optional<String> table;

  Map<String, Object> properties() {
    Map<String, Object> properties = new HashMap<>();
    policies.ifPresent(p -> properties.put("sherlock.policies", p));
    endpoint.forEach(e -> endpoint(e, properties));
    region.ifPresent(r -> properties.put("sherlock.aws.region", r));
    profile.ifPresent(p -> properties.put("sherlock.aws.profile", p));
    queue.ifPresent(q -> properties.put("sherlock.queue-name", q));
    mode.ifPresent(m -> properties.put("sherlock.mode", m));
    dataDir.ifPresent(d -> properties.put("sherlock.data-dir", d.toString()));
    store.ifPresent(k -> properties.put("sherlock.store.kind", k));
    table.ifPresent(t -> properties.put("sherlock.store.table", t));
    return properties;
  }

  /** {@code URL} for every service, {@code SERVICE=URL} for one. */
  private static void endpoint(String value, Map<String, Object> properties) {
    int equals = value.indexOf('=');
    boolean forOne = equals > 0 && !value.substring(0, equals).contains(":");
    String service = forOne ? value.substring(0, equals) : "";
    String url = forOne ? value.substring(equals + 1) : value;
    if (forOne && !SherlockConfigFactory.SERVICES.contains(service)) {
      throw new UserError(
          "--endpoint %s: no AWS service %s (one of: %s)"
              .formatted(value, service, String.join(", ", SherlockConfigFactory.SERVICES)));
    }
    try {
      URI uri = new URI(url);
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new URISyntaxException(url, "not an http(s) URL with a host");
      }
    } catch (URISyntaxException e) {
      throw new UserError("--endpoint %s: %s".formatted(value, e.getMessage()));
    }
    properties.put(forOne ? "sherlock.aws.endpoints." + service : "sherlock.aws.endpoint", url);
  }
}
