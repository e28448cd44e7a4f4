package dev.sherlock.config;

import dev.sherlock.UserError;
import dev.sherlock.policy.Durations;
import dev.sherlock.policy.Mode;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds {@link SherlockConfig} from Micronaut's environment, so every setting can come from {@code
 * application.yml}, a {@code -Dsherlock.x=y}, or an environment variable such as {@code
 * SHERLOCK_AWS_ENDPOINT}. Durations use the policy spelling ({@code 5m}, {@code 1h30m}).
 */
@Factory
public final class SherlockConfigFactory {
  /**
   * Client-side budgets: where each adaptive budget starts ({@code AdaptiveBudget}). ECS publishes
   * a token bucket per category of actions (per account and region; burst / refill per second):
   * cluster read 50/20, cluster modify 20/1, service read 100/20, service modify 50/5,
   * task-definition read 50/20, task-definition modify 20/1, cluster-resource (task) read 100/20
   * and modify 100/40, tags 20/10. Sherlock starts at those - alone in the account it may spend
   * them - and slows down as soon as AWS throttles it because people and pipelines spend them too.
   * SQS has no such small quota: a burst of events is received and deleted as fast as it comes.
   * Other services: a modest share.
   */
  public static final Map<String, SherlockConfig.Budget> DEFAULT_BUDGETS =
      Map.ofEntries(
          Map.entry("ecs.cluster-read", new SherlockConfig.Budget(50, 20)),
          Map.entry("ecs.cluster-modify", new SherlockConfig.Budget(20, 1)),
          Map.entry("ecs.service-read", new SherlockConfig.Budget(100, 20)),
          Map.entry("ecs.service-modify", new SherlockConfig.Budget(50, 5)),
          Map.entry("ecs.taskdef-read", new SherlockConfig.Budget(50, 20)),
          Map.entry("ecs.taskdef-modify", new SherlockConfig.Budget(20, 1)),
          Map.entry("ecs.task-read", new SherlockConfig.Budget(100, 20)),
          Map.entry("ecs.task-modify", new SherlockConfig.Budget(100, 40)),
          Map.entry("ecs.tag", new SherlockConfig.Budget(20, 10)),
          Map.entry("sqs", new SherlockConfig.Budget(1000, 500)),
          Map.entry("events", new SherlockConfig.Budget(50, 20)),
          Map.entry("monitoring", new SherlockConfig.Budget(50, 20)),
          Map.entry("logs", new SherlockConfig.Budget(10, 5)),
          // X-Ray's trace reads: GetTraceSummaries and BatchGetTraces allow 5 a second each.
          Map.entry("xray", new SherlockConfig.Budget(5, 2)),
          Map.entry("application-autoscaling", new SherlockConfig.Budget(10, 2)));

  /** The AWS services whose endpoint can be set one by one, by their SDK names. */
  public static final List<String> SERVICES =
      List.of(
          "ecs",
          "sqs",
          "events",
          "monitoring",
          "logs",
          "xray",
          "application-autoscaling",
          "dynamodb");

  @Singleton
  SherlockConfig sherlockConfig(Environment env) {
    String policies = env.getProperty("sherlock.policies", String.class, "policies");
    Map<String, URI> endpoints = new HashMap<>();
    for (String service : SERVICES) {
      env.getProperty("sherlock.aws.endpoints." + service, String.class)
          .ifPresent(e -> endpoints.put(service, URI.create(e)));
    }
    Map<String, SherlockConfig.Budget> budgets = new HashMap<>();
    DEFAULT_BUDGETS.forEach(
        (key, d) ->
            budgets.put(
                key,
                new SherlockConfig.Budget(
                    env.getProperty(
                        "sherlock.aws.budgets." + key + ".burst", Integer.class, d.burst()),
                    env.getProperty(
                        "sherlock.aws.budgets." + key + ".per-second",
                        Double.class,
                        d.perSecond()))));
    SherlockConfig.Breaker breaker =
        new SherlockConfig.Breaker(
            env.getProperty(
                "sherlock.aws.breaker.failure-rate",
                Float.class,
                SherlockConfig.Breaker.DEFAULT.failureRatePercent()),
            duration(
                env, "sherlock.aws.breaker.open-for", SherlockConfig.Breaker.DEFAULT.openFor()));
    return new SherlockConfig(
        env.getProperty("sherlock.mode", String.class)
            .map(SherlockConfigFactory::mode)
            .orElse(Mode.ENFORCE),
        // A git remote's policies are read from the fetched tree, never from a directory.
        GitLocation.isGit(policies) ? Path.of(".") : Path.of(policies),
        Path.of(env.getProperty("sherlock.data-dir", String.class, "sherlock-data")),
        new SherlockConfig.Aws(
            env.getProperty("sherlock.aws.region", String.class),
            env.getProperty("sherlock.aws.profile", String.class),
            env.getProperty("sherlock.aws.endpoint", String.class).map(URI::create),
            endpoints,
            budgets,
            breaker),
        env.getProperty("sherlock.queue-name", String.class, "sherlock-ecs-events"),
        duration(env, "sherlock.resync-interval", Duration.ofMinutes(5)),
        env.getProperty("sherlock.sidecar-images", List.class)
            .map(l -> ((List<?>) l).stream().map(Object::toString).toList())
            .orElse(SherlockConfig.DEFAULT_SIDECAR_IMAGES),
        env.getProperty("sherlock.mutations-per-hour", Integer.class, 60),
        env.getProperty("sherlock.max-sessions", Integer.class, 10),
        env.getProperty("sherlock.workers", Integer.class, 4),
        duration(env, "sherlock.sqs-wait", Duration.ofSeconds(20)),
        // Sixteen long polls drain 1,000 events a second (bench/RESULTS.md); idle, they cost
        // under one ReceiveMessage a second.
        env.getProperty("sherlock.sqs-receivers", Integer.class, 16),
        duration(env, "sherlock.findings-retention", Duration.ofDays(30)),
        new SherlockConfig.Store(
            env.getProperty("sherlock.store.kind", String.class)
                .map(SherlockConfigFactory::storeKind)
                .orElse(SherlockConfig.Store.DEFAULT.kind()),
            env.getProperty(
                "sherlock.store.table", String.class, SherlockConfig.Store.DEFAULT.table())),
        new SherlockConfig.Ha(
            env.getProperty("sherlock.replica", String.class)
                .orElseGet(SherlockConfigFactory::replica),
            duration(env, "sherlock.lease.duration", SherlockConfig.Ha.LEASE_DURATION),
            duration(env, "sherlock.lease.heartbeat", SherlockConfig.Ha.HEARTBEAT),
            env.getProperty("sherlock.shards", Integer.class, 1)),
        GitLocation.isGit(policies)
            ? Optional.of(GitLocation.parse(policies, env))
            : Optional.empty());
  }

  /**
   * A name for this process among the replicas: the host (a task's is its address) and a random
   * part, since every container's process is PID 1.
   */
  private static String replica() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "replica";
    }
    return host + "-" + java.util.UUID.randomUUID().toString().substring(0, 6);
  }

  private static SherlockConfig.Store.Kind storeKind(String text) {
    return switch (text) {
      case "sqlite" -> SherlockConfig.Store.Kind.SQLITE;
      case "dynamodb" -> SherlockConfig.Store.Kind.DYNAMODB;
      default ->
          throw new UserError(
              "--store (sherlock.store.kind) must be sqlite or dynamodb, not " + text);
    };
  }

  private static Duration duration(Environment env, String key, Duration byDefault) {
    Optional<String> text = env.getProperty(key, String.class);
    return text.map(Durations::parse).orElse(byDefault);
  }

  private static Mode mode(String text) {
    return switch (text) {
      case "enforce" -> Mode.ENFORCE;
      case "dryRun", "dry-run" -> Mode.DRY_RUN;
      default ->
          throw new UserError("--mode (sherlock.mode) must be enforce or dryRun, not " + text);
    };
  }
}
