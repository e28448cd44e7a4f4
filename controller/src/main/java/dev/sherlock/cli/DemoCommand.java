package dev.sherlock.cli;

import dev.sherlock.api.ApiServer;
import dev.sherlock.controller.Controller;
import dev.sherlock.finding.Finding;
import dev.sherlock.finding.FindingKind;
import dev.sherlock.finding.Findings;
import dev.sherlock.install.Installer;
import dev.sherlock.policy.Durations;
import dev.sherlock.policy.load.PolicyLoader;
import dev.sherlock.policy.load.PolicySet;
import dev.sherlock.sandbox.MysfitsWorld;
import dev.sherlock.sandbox.Sandbox;
import dev.sherlock.sandbox.workload.Scenario;
import dev.sherlock.session.Sessions;
import io.micronaut.context.ApplicationContext;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

/**
 * {@code sherlock demo}: the like-service story on the local sandbox, on the wall clock. The
 * Mysfits shop runs with CHAOSMODE on and its logs at ERROR; the incident session declared in git
 * raises the log level; a crash loop fires the crash-loop policy, which adds the X-Ray sidecar and
 * ECS Exec; the sessions expire and everything is reverted. Session durations are divided by {@code
 * --speed}. Exit 0 when the story completed, 1 otherwise.
 */
@Command(name = "demo", description = "Run the Mysfits story end to end on the local sandbox.")
public final class DemoCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--for",
      paramLabel = "DURATION",
      defaultValue = "3m",
      description = "Give up after this long (default: ${DEFAULT-VALUE}).")
  String runFor;

  @Option(
      names = "--speed",
      defaultValue = "30",
      description = "Session durations are divided by this (default: ${DEFAULT-VALUE}).")
  double speed;

  @Option(
      names = "--policies",
      paramLabel = "DIR",
      defaultValue = "policies",
      description = "Policies to run (default: ${DEFAULT-VALUE}).")
  Path policies;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description =
          "Port of the HTTP API on 127.0.0.1 (0: any free port; default: ${DEFAULT-VALUE}).")
  int port;

  private PrintWriter out;
  private Instant started;

  /** A fresh token for the demo's API: mutating endpoints are never open without one. */
  private final String token = java.util.UUID.randomUUID().toString().replace("-", "");

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Duration limit;
    try {
      limit = Durations.parse(runFor);
    } catch (IllegalArgumentException e) {
      err.println("sherlock demo: error: --for: " + e.getMessage());
      return 2;
    }
    PolicySet set = new PolicyLoader().load(List.of(policies));
    if (!set.isValid()) {
      set.problems().forEach(p -> err.println(p.format()));
      return 1;
    }
    started = Instant.now();
    Path data = Files.createTempDirectory("sherlock-demo");
    try (Sandbox sandbox = Sandbox.builder().port(0).seed(7).start()) {
      MysfitsWorld.seed(sandbox);
      say(
          "sandbox up at %s: cluster mysfits, like-service (CHAOSMODE=on, LOGLEVEL=ERROR) and monolith",
          sandbox.endpoint());
      Map<String, Object> properties = new HashMap<>();
      properties.put("sherlock.aws.endpoint", sandbox.endpoint().toString());
      properties.put("sherlock.aws.region", sandbox.region());
      properties.put("sherlock.policies", policies.toString());
      properties.put("sherlock.data-dir", data.toString());
      properties.put("sherlock.sqs-wait", "1s");
      properties.put("sherlock.resync-interval", "30s");
      properties.put("sherlock.speed", speed);
      properties.put("micronaut.server.host", "127.0.0.1");
      properties.put("micronaut.server.port", port == 0 ? -1 : port);
      properties.put("sherlock.api.token", token);
      System.setProperty("aws.accessKeyId", "sandbox");
      System.setProperty("aws.secretAccessKey", "sandbox");
      try (ApplicationContext context =
          ApplicationContext.builder().properties(properties).start()) {
        return story(sandbox, context, set, limit);
      }
    } finally {
      deleteQuietly(data);
    }
  }

  private int story(Sandbox sandbox, ApplicationContext context, PolicySet set, Duration limit)
      throws InterruptedException {
    Installer.Installed installed = context.getBean(Installer.class).install(set.policies());
    say(
        "installed EventBridge rule %s -> queue %s",
        Installer.RULE, installed.queueArn().substring(installed.queueArn().lastIndexOf(':') + 1));
    List<Finding> seen = new CopyOnWriteArrayList<>();
    context
        .getBean(Findings.class)
        .listen(
            f -> {
              seen.add(f);
              say("%-16s %s", f.kind(), f.summary());
            });
    Controller controller = context.getBean(Controller.class);
    controller.start();
    URI api;
    try {
      api = ApiServer.start(context);
    } catch (RuntimeException e) {
      say("cannot serve the HTTP API on port %d (%s); try --port 0", port, e.getMessage());
      controller.close();
      return 1;
    }
    say(
        "HTTP API on %s (try: curl %s/api/findings; mutating calls need the header: Authorization: Bearer %s)",
        api, api, token);
    say(
        "controller running with %d policies from %s (sessions %sx faster)",
        set.policies().size(),
        policies,
        speed == Math.rint(speed) ? String.valueOf((long) speed) : String.valueOf(speed));

    Instant deadline = started.plus(limit);
    boolean crashInjected = false;
    boolean crashFixed = false;
    boolean evidenceShown = false;
    try (CloudWatchLogsClient logs = context.getBean(CloudWatchLogsClient.class)) {
      while (Instant.now().isBefore(deadline)) {
        Thread.sleep(500); // the demo narrates in real time
        if (!crashInjected && Duration.between(started, Instant.now()).toSeconds() >= 15) {
          sandbox
              .scenario()
              .add(
                  new Scenario.CrashLoop(
                      MysfitsWorld.CLUSTER, MysfitsWorld.LIKE_SERVICE, Duration.ofSeconds(8), 1));
          say("demo: like-service starts crash-looping (its tasks exit with code 1 after 8 s)");
          crashInjected = true;
        }
        if (crashInjected && !crashFixed && applied(seen, "crashloop-exec")) {
          sandbox.scenario().clear();
          say(
              "demo: with ECS Exec and DEBUG logs the responders find the cause; the crash loop stops");
          crashFixed = true;
        }
        if (!evidenceShown && applied(seen, null)) {
          evidenceShown = showEvidence(logs);
        }
        if (done(seen, context)) {
          summary(seen, true);
          return 0;
        }
      }
    } finally {
      controller.close();
    }
    summary(seen, false);
    return 1;
  }

  /** At DEBUG the cause shows: print one line of it from CloudWatch Logs. */
  private boolean showEvidence(CloudWatchLogsClient logs) {
    List<FilteredLogEvent> events;
    try {
      events =
          logs.filterLogEvents(
                  b ->
                      b.logGroupName("/ecs/mysfits/like-service")
                          .filterPattern("\"chaos mode injected\""))
              .events();
    } catch (ResourceNotFoundException e) {
      return false; // no task has logged yet
    }
    if (events.isEmpty()) {
      return false;
    }
    say("evidence in /ecs/mysfits/like-service at DEBUG: %s", events.getLast().message());
    return true;
  }

  /** Whether a change was deployed for a session of {@code policy} (any policy when null). */
  private static boolean applied(List<Finding> seen, String policy) {
    List<String> sessions =
        seen.stream()
            .filter(f -> f.kind() == FindingKind.SessionOpened)
            .filter(f -> policy == null || f.policy().equals(Optional.of(policy)))
            .map(f -> f.session().orElse(""))
            .toList();
    return seen.stream()
        .filter(f -> f.kind() == FindingKind.ActionApplied)
        .anyMatch(
            f ->
                sessions.stream()
                    .anyMatch(
                        id -> f.evidence().path("sessions").toString().contains("\"" + id + "\"")));
  }

  /** The story is complete: DEBUG and the sidecar were deployed, and then everything reverted. */
  private static boolean done(List<Finding> seen, ApplicationContext context) {
    boolean debug =
        seen.stream()
            .anyMatch(
                f -> f.kind() == FindingKind.ActionApplied && f.summary().contains("LOGLEVEL"));
    boolean sidecar =
        seen.stream()
            .anyMatch(
                f ->
                    f.kind() == FindingKind.ActionApplied
                        && f.summary().contains("+ container xray-daemon"));
    boolean reverted =
        seen.stream()
            .anyMatch(
                f ->
                    f.kind() == FindingKind.ActionReverted
                        && f.summary().contains("like-service back on like-service:1"));
    return debug && sidecar && reverted && context.getBean(Sessions.class).active().isEmpty();
  }

  private void summary(List<Finding> seen, boolean complete) {
    Map<FindingKind, Long> counts = new HashMap<>();
    seen.forEach(f -> counts.merge(f.kind(), 1L, Long::sum));
    out.println();
    out.printf(
        "%s after %ds: %d sessions opened, %d changes applied, %d reverted, %d findings.%n",
        complete ? "Story complete" : "Story NOT complete",
        Duration.between(started, Instant.now()).toSeconds(),
        counts.getOrDefault(FindingKind.SessionOpened, 0L),
        counts.getOrDefault(FindingKind.ActionApplied, 0L),
        counts.getOrDefault(FindingKind.ActionReverted, 0L),
        seen.size());
    if (!complete) {
      out.println(
          "Expected: LOGLEVEL=DEBUG and the X-Ray sidecar deployed, then like-service back on like-service:1 with no session open.");
    }
    out.flush();
  }

  private void say(String format, Object... args) {
    long s = Duration.between(started, Instant.now()).toSeconds();
    out.printf("%02d:%02d  %s%n", s / 60, s % 60, format.formatted(args));
    out.flush();
  }

  private static void deleteQuietly(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is harmless
    }
  }
}
