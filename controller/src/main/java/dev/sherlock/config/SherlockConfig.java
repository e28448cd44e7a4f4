package dev.sherlock.config;

import dev.sherlock.policy.Mode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the controller is told, with the defaults a production install starts from. Read from
 * Micronaut configuration ({@code sherlock.*} properties, {@code SHERLOCK_*} environment variables)
 * by {@link SherlockConfigFactory}.
 *
 * @param mode {@code enforce}, or {@code dryRun} to change nothing anywhere (overrides policies)
 * @param policies the directory of policy files, watched for changes
 * @param dataDir where the SQLite store lives
 * @param aws how to reach AWS
 * @param queueName the SQS queue that the EventBridge rule feeds
 * @param resyncInterval how often every selected service is listed and reconciled anyway
 * @param sidecarImages image prefixes a sidecar may use; anything else is refused
 * @param mutationsPerHour global budget of changes (registrations and service updates) per hour
 * @param maxSessions global number of sessions open at once
 * @param workers reconcile workers (virtual threads); one service is never reconciled twice at once
 * @param sqsWait long-poll wait of the event source
 * @param sqsReceivers receivers long-polling the queue at once, ten messages each
 * @param findingsRetention findings older than this are pruned
 * @param store where sessions and findings are kept
 * @param ha this replica's name, and the lease that elects the acting replica (shared store only)
 * @param git the git remote the policies come from, when {@code --policies} names one instead of a
 *     directory
 */
public record SherlockConfig(
    Mode mode,
    Path policies,
    Path dataDir,
    Aws aws,
    String queueName,
    Duration resyncInterval,
    List<String> sidecarImages,
    int mutationsPerHour,
    int maxSessions,
    int workers,
    Duration sqsWait,
    int sqsReceivers,
    Duration findingsRetention,
    Store store,
    Ha ha,
    Optional<Git> git) {

  public static final List<String> DEFAULT_SIDECAR_IMAGES =
      List.of(
          "public.ecr.aws/xray/",
          "public.ecr.aws/aws-observability/",
          "public.ecr.aws/sherlock/",
          "amazon/aws-xray-daemon");

  /**
   * @param region the AWS region; empty: the SDK's default chain (AWS_REGION, profile)
   * @param profile a named profile of the shared config files; empty: the default chain
   * @param endpoint one endpoint for every service (the sandbox, LocalStack)
   * @param endpoints per-service endpoint overrides, by service (ecs, sqs, events, ...)
   * @param budgets client-side rate budgets by service ({@code sqs}) or ECS API category ({@code
   *     ecs.service-read}); see {@link SherlockConfigFactory#DEFAULT_BUDGETS}
   * @param breaker when a service's circuit breaker opens, and for how long
   */
  public record Aws(
      Optional<String> region,
      Optional<String> profile,
      Optional<URI> endpoint,
      Map<String, URI> endpoints,
      Map<String, Budget> budgets,
      Breaker breaker) {

    public Optional<URI> endpointOf(String service) {
      return Optional.ofNullable(endpoints.get(service)).or(() -> endpoint);
    }

    public Budget budgetOf(String key) {
      return budgets.getOrDefault(key, Budget.DEFAULT);
    }
  }

  /** A token bucket: {@code burst} calls at once, {@code perSecond} sustained. */
  public record Budget(int burst, double perSecond) {
    public static final Budget DEFAULT = new Budget(20, 10);
  }

  /**
   * A circuit breaker opens at {@code failureRatePercent} failures and stays open {@code openFor}.
   */
  public record Breaker(float failureRatePercent, Duration openFor) {
    public static final Breaker DEFAULT = new Breaker(50, Duration.ofSeconds(30));
  }

  /**
   * Where sessions and findings live: the embedded SQLite file under the data directory (one
   * replica), or DynamoDB tables named from {@code table} that several replicas share.
   */
  public record Store(Kind kind, String table) {
    public static final Store DEFAULT = new Store(Kind.SQLITE, "sherlock");

    public enum Kind {
      SQLITE,
      DYNAMODB
    }
  }

  /**
   * How replicas sharing a DynamoDB store elect the one that acts.
   *
   * @param replica this replica's name, unique among them
   * @param leaseDuration how long the lease lasts without a heartbeat: the longest a failover waits
   * @param heartbeat how often the holder renews it and the others look at it
   */
  /**
   * @param shards how many parts the fleet is split into, each with a lease of its own, so that
   *     several replicas act at once: 1 is leader election
   */
  public record Ha(String replica, Duration leaseDuration, Duration heartbeat, int shards) {
    public static final Duration LEASE_DURATION = Duration.ofSeconds(20);
    public static final Duration HEARTBEAT = Duration.ofSeconds(5);
    public static final int MAX_SHARDS = 64;
  }

  /**
   * A git remote that holds the policies: only {@code ref} is fetched, and only the files under
   * {@code path} in its tree are read (no working tree).
   *
   * @param remote the URL git fetches from (https, http or file), without credentials
   * @param ref the branch (or a full {@code refs/...} name) to follow
   * @param path the folder of the policies in the repository; empty: the whole tree
   * @param interval how often the remote is fetched; a push hook fetches at once
   * @param username the user name sent with the token (GitHub and GitLab accept any)
   * @param token an HTTPS access token, sent as the password
   * @param webhookSecret the secret that push hooks are signed with; empty: no hook is accepted
   * @param sshKey the private key of a {@code git+ssh} remote
   * @param knownHosts the {@code known_hosts} lines of a {@code git+ssh} remote
   * @param signingKeys with {@code sherlock.git.require-signed-commits}: the ASCII-armored OpenPGP
   *     public keys whose signature a commit needs to apply; empty: signatures are not checked
   */
  public record Git(
      String remote,
      String ref,
      String path,
      Duration interval,
      String username,
      Optional<String> token,
      Optional<String> webhookSecret,
      Optional<String> sshKey,
      Optional<String> knownHosts,
      Optional<String> signingKeys) {
    public static final String PREFIX = "git+";
    public static final Duration INTERVAL = Duration.ofMinutes(1);

    /** A remote over HTTPS (or a file): no SSH key, no known hosts. */
    public Git(
        String remote,
        String ref,
        String path,
        Duration interval,
        String username,
        Optional<String> token,
        Optional<String> webhookSecret) {
      this(
          remote,
          ref,
          path,
          interval,
          username,
          token,
          webhookSecret,
          Optional.empty(),
          Optional.empty(),
          Optional.empty());
    }

    /** Whether {@code --policies} (or a path given to validate and plan) names a git remote. */
    public static boolean isLocation(String policies) {
      return GitLocation.isGit(policies);
    }

    /**
     * The remote {@code policies} names, with the {@code sherlock.git.*} settings of {@code env}.
     *
     * @throws dev.sherlock.UserError when the location or a setting cannot be used
     */
    public static Git fromLocation(String policies, io.micronaut.context.env.Environment env) {
      return GitLocation.parse(policies, env);
    }

    public boolean overSsh() {
      return remote.startsWith("ssh://");
    }

    /** The ref's full name: {@code main} follows {@code refs/heads/main}. */
    public String fullRef() {
      return ref.startsWith("refs/") ? ref : "refs/heads/" + ref;
    }

    /** Where the policies come from, as logs and the API show it. */
    public String location() {
      return PREFIX + remote + "?ref=" + ref + (path.isEmpty() ? "" : "&path=" + path);
    }

    @Override
    public String toString() {
      // Never the token nor the secret: a record's own toString would print them.
      return location();
    }
  }

  public boolean dryRun() {
    return mode == Mode.DRY_RUN;
  }
}
