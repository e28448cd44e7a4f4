package dev.sherlock.workbench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sherlock.api.ApiServer;
import dev.sherlock.cli.Termination;
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
import dev.sherlock.sandbox.ScaledClock;
import dev.sherlock.sandbox.workload.Scenario;
import dev.sherlock.session.Sessions;
import dev.sherlock.source.Recorder;
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
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

/**
 * {@code sherlock demo}: the Mysfits story on the local sandbox, with the example policies. The
 * sandbox and the controller share one clock that runs {@code --speed} times faster than the wall
 * clock, so half an hour of ECS passes in a minute. The incident session declared in git raises
 * like-service's log level (and the chaos cause shows in its logs); a CPU spike fires the
 * metric-triggered policy, which adds a metadata proxy and takes a snapshot with container stats; a
 * crash loop fires the crash-loop policy, which adds the X-Ray sidecar and ECS Exec; the sessions
 * expire and like-service is back on its own revision. Exit 0 when all of it happened.
 */
@Command(name = "demo", description = "Run the Mysfits story end to end on the local sandbox.")
public final class DemoCommand implements Callable<Integer> {
  private static final Duration CPU_SPIKE_AT = Duration.ofMinutes(2);
  private static final Duration CRASH_LOOP_AT = Duration.ofMinutes(20);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--for",
      paramLabel = "DURATION",
      defaultValue = "3m",
      description = "Give up after this long, in real time (default: ${DEFAULT-VALUE}).")
  String runFor;

  @Option(
      names = "--speed",
      defaultValue = "30",
      description = "Simulated seconds per real second (default: ${DEFAULT-VALUE}).")
  double speed;

  @Option(
      names = "--policies",
      paramLabel = "DIR",
      description = "Policies to run (default: the repository's policies/, from any directory).")
  Optional<Path> policiesOption;

  private Path policies;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description =
          "Port of the HTTP API on 127.0.0.1 (0: any free port; default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--record",
      paramLabel = "FILE",
      description =
          "Write every event the controller receives and metric datapoint it reads to FILE, as"
              + " `sherlock run --record` does, for `sherlock replay`.")
  Optional<Path> record;

  @Option(
      names = "--keep",
      description = "After the story, keep the sandbox and the API up until Ctrl-C or SIGTERM.")
  boolean keep;

  /**
   * The demo API's token: SHERLOCK_API_TOKEN when it is exported (so `sherlock debug` in another
   * terminal works as it is), else a fresh one - mutating endpoints are never open without one.
   */
  private final String token =
      Optional.ofNullable(System.getenv("SHERLOCK_API_TOKEN"))
          .filter(t -> !t.isBlank())
          .orElseGet(() -> UUID.randomUUID().toString().replace("-", ""));

  private PrintWriter out;
  private Instant started;
  private ScaledClock clock;

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
    if (speed < 1 || speed > 1000) {
      err.println("sherlock demo: error: --speed must be between 1 and 1000");
      return 2;
    }
    policies = policiesOption.orElseGet(DemoCommand::examplePolicies);
    PolicySet set = new PolicyLoader().load(List.of(policies));
    if (!set.isValid()) {
      set.problems().forEach(p -> err.println(p.format()));
      return 1;
    }
    started = Instant.now();
    clock = new ScaledClock(started, speed);
    Path data = Files.createTempDirectory("sherlock-demo");
    try (Sandbox sandbox = Sandbox.builder().port(0).clock(clock).seed(7).start()) {
      MysfitsWorld.seed(sandbox);
      say(
          "sandbox up at %s: cluster mysfits, like-service (CHAOSMODE=on, LOGLEVEL=ERROR, behind an ALB) and monolith; time runs %sx",
          sandbox.endpoint(), number(speed));
      Map<String, Object> properties = OnTheSandbox.properties(sandbox, policies, data);
      properties.put("micronaut.server.host", "127.0.0.1");
      properties.put("micronaut.server.port", port == 0 ? -1 : port);
      properties.put("sherlock.api.token", token);
      record.ifPresent(file -> properties.put(Recorder.PROPERTY, file.toString()));
      try (ApplicationContext context =
          ApplicationContext.builder().properties(properties).singletons(clock).start()) {
        context.getBean(Recorder.class); // a --record file that cannot be written stops here
        return story(sandbox, clock, context, set, limit);
      }
    } finally {
      deleteQuietly(data);
    }
  }

  private int story(
      Sandbox sandbox, ScaledClock clock, ApplicationContext context, PolicySet set, Duration limit)
      throws InterruptedException {
    Installer.Installed installed = context.getBean(Installer.class).install(set.policies());
    say(
        "installed EventBridge rule %s -> SQS queue %s",
        Installer.RULE, installed.queueArn().substring(installed.queueArn().lastIndexOf(':') + 1));
    List<Finding> seen = new CopyOnWriteArrayList<>();
    context
        .getBean(Findings.class)
        .listen(
            f -> {
              seen.add(f);
              say("%-16s %s", f.kind(), f.summary());
              if (f.kind() == FindingKind.Snapshot) {
                describeSnapshot(f.evidence());
              }
              if (f.kind() == FindingKind.Diagnosis) {
                describeDiagnosis(f.evidence());
              }
            });
    Controller controller = context.getBean(Controller.class);
    URI api;
    try {
      api = ApiServer.start(context);
    } catch (RuntimeException e) {
      say("cannot serve the HTTP API on port %d (%s); try --port 0", port, e.getMessage());
      return 1;
    }
    say(
        "HTTP API on %s (curl %s/api/findings?kind=Snapshot; mutating calls need: Authorization: Bearer %s)",
        api, api, token);
    say("console on %s/ - open it in a browser to watch the story live", api);
    controller.start();
    say("controller running with %d policies from %s", set.policies().size(), policies);

    Instant deadline = started.plus(limit);
    Instant t0 = clock.instant();
    boolean spiked = false;
    boolean crashing = false;
    boolean fixed = false;
    boolean evidenceShown = false;
    try (CloudWatchLogsClient logs = context.getBean(CloudWatchLogsClient.class)) {
      while (Instant.now().isBefore(deadline)) {
        Thread.sleep(250); // the demo narrates in real time
        Duration simulated = Duration.between(t0, clock.instant());
        if (!spiked && simulated.compareTo(CPU_SPIKE_AT) >= 0) {
          sandbox
              .scenario()
              .add(
                  new Scenario.CpuSpike(
                      MysfitsWorld.CLUSTER,
                      MysfitsWorld.LIKE_SERVICE,
                      clock.instant(),
                      Duration.ofMinutes(20),
                      95));
          say("demo: like-service's CPU jumps to 95%% (for 20 simulated minutes)");
          spiked = true;
        }
        if (!crashing && simulated.compareTo(CRASH_LOOP_AT) >= 0) {
          sandbox
              .scenario()
              .add(
                  new Scenario.CrashLoop(
                      MysfitsWorld.CLUSTER, MysfitsWorld.LIKE_SERVICE, Duration.ofMinutes(4), 1));
          say(
              "demo: like-service starts crash-looping (its tasks exit with code 1 after 4 minutes)");
          crashing = true;
        }
        if (crashing && !fixed && applied(seen, "crashloop-exec")) {
          sandbox.scenario().clear(MysfitsWorld.CLUSTER, MysfitsWorld.LIKE_SERVICE);
          say(
              "demo: with ECS Exec, traces and DEBUG logs the responders find the cause; the crash loop stops");
          fixed = true;
        }
        if (!evidenceShown && applied(seen, null)) {
          evidenceShown = showEvidence(logs);
        }
        if (done(seen, context)) {
          summary(seen, true);
          if (keep) {
            keepUp(sandbox, api);
          }
          return 0;
        }
      }
    } finally {
      controller.close();
    }
    summary(seen, false);
    return 1;
  }

  /** --keep: the sandbox and the API stay up for a look around, until asked to stop. */
  private void keepUp(Sandbox sandbox, URI api) throws InterruptedException {
    var stop = Termination.requested();
    say(
        "--keep: the sandbox (%s) and the API (%s) stay up; Ctrl-C stops them",
        sandbox.endpoint(), api);
    stop.await();
    say("stopping");
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

  private void describeSnapshot(JsonNode evidence) {
    JsonNode stats = evidence.path("parts").path("taskStats").path("data");
    for (JsonNode task : stats) {
      for (JsonNode c : task.path("containers")) {
        say(
            "                 task %s container %s: CPU %s%%, memory %d MiB",
            task.path("task").asText().substring(0, 8),
            c.path("name").asText(),
            c.path("cpuPercent").asText(),
            c.path("memoryMiB").asLong());
      }
    }
  }

  /** The surest cause's evidence, a few lines of it, and what to do. */
  private void describeDiagnosis(JsonNode evidence) {
    JsonNode cause = evidence.path("causes").path(0);
    Map<String, Integer> perPart = new HashMap<>();
    for (JsonNode line : cause.path("evidence")) {
      String part = line.path("part").asText();
      // Two lines of each kind of evidence: the setting, the logs, the traces.
      if (perPart.merge(part, 1, Integer::sum) <= 2) {
        say("                 %s: %s", part, line.path("text").asText());
      }
    }
    say("                 next: %s", cause.path("nextStep").asText());
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

  /**
   * The story is complete: DEBUG, the sidecars, a snapshot with container stats and a diagnosis
   * naming CHAOSMODE happened, and then like-service went back to its own revision with no session
   * open.
   */
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
    boolean snapshot =
        seen.stream()
            .anyMatch(
                f ->
                    f.kind() == FindingKind.Snapshot
                        && f.evidence()
                            .path("parts")
                            .path("taskStats")
                            .path("status")
                            .asText()
                            .equals("ok"));
    boolean reverted =
        seen.stream()
            .anyMatch(
                f ->
                    f.kind() == FindingKind.ActionReverted
                        && f.summary().contains("like-service back on like-service:1"));
    // CHAOSMODE named, with the DEBUG lines and the slow requests' chaos-delay subsegments.
    boolean diagnosed =
        seen.stream()
            .filter(f -> f.kind() == FindingKind.Diagnosis && f.summary().contains("CHAOSMODE=on"))
            .map(f -> f.evidence().path("causes").path(0).path("evidence").toString())
            .anyMatch(e -> e.contains("chaos mode injected") && e.contains("chaos-delay"));
    return debug
        && sidecar
        && snapshot
        && diagnosed
        && reverted
        && context.getBean(Sessions.class).active().isEmpty();
  }

  private void summary(List<Finding> seen, boolean complete) {
    Map<FindingKind, Long> counts = new HashMap<>();
    seen.forEach(f -> counts.merge(f.kind(), 1L, Long::sum));
    out.println();
    out.printf(
        "%s after %ds: %d sessions opened, %d changes applied, %d reverted, %d snapshots, %d findings.%n",
        complete ? "Story complete" : "Story NOT complete",
        Duration.between(started, Instant.now()).toSeconds(),
        counts.getOrDefault(FindingKind.SessionOpened, 0L),
        counts.getOrDefault(FindingKind.ActionApplied, 0L),
        counts.getOrDefault(FindingKind.ActionReverted, 0L),
        counts.getOrDefault(FindingKind.Snapshot, 0L),
        seen.size());
    if (!complete) {
      out.println(
          "Expected: LOGLEVEL=DEBUG, the X-Ray sidecar, a snapshot with container stats and a diagnosis naming CHAOSMODE with its log lines and traces, then like-service back on like-service:1 with no session open.");
    }
    out.flush();
  }

  /**
   * One line of the timeline: the wall time since the start, and beside it the sandbox's time
   * (which runs --speed times faster), so "for 5m" firing after ten seconds makes sense.
   */
  private void say(String format, Object... args) {
    long s = Duration.between(started, Instant.now()).toSeconds();
    String simulated =
        clock == null ? "     " : clock(Duration.between(started, clock.instant()).toSeconds());
    out.printf("%s (ECS %s)  %s%n", clock(s), simulated, format.formatted(args));
    out.flush();
  }

  private static String clock(long seconds) {
    return seconds >= 3600
        ? "%d:%02d:%02d".formatted(seconds / 3600, seconds / 60 % 60, seconds % 60)
        : "%02d:%02d".formatted(seconds / 60, seconds % 60);
  }

  /** policies/ here, else the repository's (the launcher names it in SHERLOCK_HOME). */
  public static Path examplePolicies() {
    Path here = Path.of("policies");
    String home = System.getenv("SHERLOCK_HOME");
    return Files.isDirectory(here) || home == null ? here : Path.of(home, "policies");
  }

  private static String number(double value) {
    return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
  }

  private static void deleteQuietly(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is harmless
    }
  }
}
