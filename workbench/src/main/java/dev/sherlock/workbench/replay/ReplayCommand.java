package dev.sherlock.workbench.replay;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.cli.OutputFormat;
import dev.sherlock.finding.Finding;
import dev.sherlock.finding.FindingKind;
import dev.sherlock.plan.ClusterState;
import dev.sherlock.policy.DebugSession;
import dev.sherlock.policy.Durations;
import dev.sherlock.policy.SessionSettings;
import dev.sherlock.policy.load.PolicyLoader;
import dev.sherlock.policy.load.PolicySet;
import dev.sherlock.workbench.DemoCommand;
import dev.sherlock.workbench.StateWorld;
import dev.sherlock.workbench.World;
import dev.sherlock.workbench.policytest.PolicyTest;
import dev.sherlock.workbench.policytest.Rehearsal;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sherlock replay --events FILE [--state FILE] [POLICIES]}: the post-mortem question "had
 * these policies existed during the incident, what would Sherlock have done?". Feeds a recording
 * ({@code sherlock run --record}) or exported events through the policies - the real controller on
 * the sandbox's virtual clock, every event at the time it came, every metric datapoint with the
 * value the controller read then - and prints the timeline: triggers fired and suppressed, sessions
 * opened with their diff, snapshots, reverts. People's deploys in the incident's CloudTrail are
 * acted out at their times ({@link PeoplesCalls}). Exit 0 when it ran; 2 when an input is not
 * usable.
 */
@Command(
    name = "replay",
    description = "Feed recorded events through policies on a virtual clock; print what they do.")
public final class ReplayCommand implements Callable<Integer> {
  /** The longest replay: a day of ECS. */
  static final Duration LONGEST = Duration.ofHours(24);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--events",
      paramLabel = "FILE",
      required = true,
      description =
          "A recording (`sherlock run --record`), JSON lines of EventBridge events, a JSON array"
              + " of them, or `aws sqs receive-message` output; with CloudTrail's records of what"
              + " people did (a log file, `aws cloudtrail lookup-events` output, or lines).")
  Path events;

  @Option(
      names = "--state",
      paramLabel = "FILE",
      description =
          "The fleet to replay on, as `sherlock plan --state` reads it (describe-services and"
              + " describe-task-definition output); default: the sandbox's Mysfits shop.")
  Optional<Path> state;

  @Parameters(
      arity = "0..1",
      paramLabel = "POLICIES",
      description = "The policies to replay through (default: the repository's policies/).")
  Optional<Path> policiesOption;

  @Option(
      names = "--after",
      paramLabel = "DURATION",
      description =
          "How long to go on after the recording ends (default: the policies' longest session and"
              + " 5m, so what opened also ends).")
  Optional<String> after;

  @Option(
      names = "--output",
      defaultValue = "text",
      description = "text (a timeline) or json. Default: ${DEFAULT-VALUE}.")
  OutputFormat output;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path policies = policiesOption.orElseGet(DemoCommand::examplePolicies);
    Recording recording;
    try {
      recording = Recording.read(events);
    } catch (Recording.ReadException e) {
      err.println(e.getMessage());
      err.flush();
      return 2;
    }
    World world;
    try {
      world = state.isPresent() ? StateWorld.read(state.get()) : new World.Mysfits();
    } catch (ClusterState.StateException e) {
      err.println(e.getMessage());
      err.flush();
      return 2;
    }
    PolicySet set = new PolicyLoader().load(List.of(policies));
    if (!set.isValid()) {
      set.problems().forEach(p -> err.println(p.format()));
      err.flush();
      return 2;
    }
    Duration tail;
    try {
      tail = after.map(Durations::parse).orElseGet(() -> longestSession(set).plusMinutes(5));
    } catch (IllegalArgumentException e) {
      return unusable(err, "--after: " + e.getMessage());
    }
    Duration length = Duration.between(recording.started(), recording.end()).plus(tail);
    if (length.compareTo(LONGEST) > 0) {
      return unusable(
          err,
          "the replay would run %s of ECS; at most 24h (a shorter --after, or a shorter recording)"
              .formatted(Durations.format(length.withNanos(0))));
    }
    if (output == OutputFormat.text) {
      out.printf(
          "replaying %s: %d events and %d metric datapoints over %s from %s, through %d policies"
              + " of %s on %s%n",
          events,
          recording.events().size(),
          recording.datapoints().size(),
          Durations.format(Duration.between(recording.started(), recording.end()).withNanos(0)),
          recording.started(),
          set.policies().size(),
          policies,
          world.description());
      out.flush();
    }
    try (Rehearsal rehearsal = new Rehearsal(world, policies, false, recording.started())) {
      for (Recording.Datapoint d : recording.datapoints()) {
        rehearsal.sandbox().replay(d.namespace(), d.name(), d.dimensions(), d.at(), d.value());
      }
      Instant start = rehearsal.start();
      PeoplesCalls calls = new PeoplesCalls();
      List<PolicyTest.Step> steps = new ArrayList<>();
      for (Recording.Event e : recording.events()) {
        Duration at = Duration.between(start, e.at());
        calls
            .happening(e)
            .ifPresent(
                what -> steps.add(new PolicyTest.Step(at.isNegative() ? Duration.ZERO : at, what)));
      }
      if (output == OutputFormat.text
          && !(calls.acts().isEmpty() && calls.passedOver().isEmpty())) {
        out.printf(
            "CloudTrail: %d call%s of people acted out%s%n",
            calls.acts().size(),
            calls.acts().size() == 1 ? "" : "s",
            calls.passedOver().isEmpty()
                ? ""
                : "; passed over: "
                    + String.join(
                        ", ",
                        calls.passedOver().entrySet().stream()
                            .map(c -> "%d %s".formatted(c.getValue(), c.getKey()))
                            .toList()));
        out.flush();
      }
      rehearsal.play(steps, length.minus(Duration.between(recording.started(), start)));
      List<Entry> timeline = timeline(rehearsal.findings(), calls.acts());
      if (output == OutputFormat.json) {
        out.println(json(recording.started(), timeline, rehearsal.notActedOut()));
      } else {
        print(out, recording.started(), timeline, rehearsal.notActedOut());
      }
    }
    out.flush();
    return 0;
  }

  private static int unusable(PrintWriter err, String why) {
    err.println("sherlock replay: error: " + why);
    err.flush();
    return 2;
  }

  private static Duration longestSession(PolicySet set) {
    return Stream.concat(
            set.policies().stream().map(p -> p.spec().session().duration()),
            set.sessions().stream().map(DebugSession::spec).flatMap(s -> s.duration().stream()))
        .max(Duration::compareTo)
        .orElse(SessionSettings.DEFAULT_DURATION);
  }

  /** A line of the timeline: a finding, or a person's call from CloudTrail. */
  private record Entry(
      Instant at,
      String kind,
      String summary,
      Optional<String> policy,
      Optional<String> service,
      Optional<String> session) {
    boolean opened() {
      return kind.equals(FindingKind.SessionOpened.name());
    }
  }

  /** Findings in their order, each person's call before the findings of its moment. */
  private static List<Entry> timeline(List<Finding> findings, List<PeoplesCalls.Act> acts) {
    List<Entry> entries = new ArrayList<>();
    int next = 0;
    for (Finding f : findings) {
      while (next < acts.size() && !acts.get(next).at().isAfter(f.time())) {
        entries.add(call(acts.get(next++)));
      }
      entries.add(
          new Entry(f.time(), f.kind().name(), f.summary(), f.policy(), f.service(), f.session()));
    }
    acts.subList(next, acts.size()).forEach(a -> entries.add(call(a)));
    return entries;
  }

  private static Entry call(PeoplesCalls.Act act) {
    return new Entry(
        act.at(),
        "CloudTrail",
        act.summary(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  private static void print(
      PrintWriter out, Instant started, List<Entry> timeline, List<String> notActedOut) {
    List<String> sessions = new ArrayList<>();
    for (Entry e : timeline) {
      out.printf("%s  %-17s %s%n", offset(started, e.at()), e.kind(), e.summary());
      if (e.opened()) {
        sessions.add(
            "  %s on %s at %s"
                .formatted(
                    e.policy().orElse("?"), e.service().orElse("?"), offset(started, e.at())));
      }
    }
    notActedOut.forEach(n -> out.println("not acted out: " + n));
    out.printf(
        "%n%d session%s would have opened%s%n",
        sessions.size(), sessions.size() == 1 ? "" : "s", sessions.isEmpty() ? "." : ":");
    sessions.forEach(out::println);
  }

  private static String json(Instant started, List<Entry> entries, List<String> notActedOut)
      throws Exception {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("started", started.toString());
    ArrayNode sessions = root.putArray("sessions");
    ArrayNode timeline = root.putArray("timeline");
    for (Entry e : entries) {
      ObjectNode line =
          timeline
              .addObject()
              .put("at", e.at().toString())
              .put("offsetSeconds", Duration.between(started, e.at()).toSeconds())
              .put("kind", e.kind())
              .put("summary", e.summary());
      e.policy().ifPresent(p -> line.put("policy", p));
      e.service().ifPresent(s -> line.put("service", s));
      e.session().ifPresent(s -> line.put("session", s));
      if (e.opened()) {
        sessions.add(line.deepCopy());
      }
    }
    notActedOut.forEach(root.putArray("notActedOut")::add);
    return JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(root);
  }

  private static String offset(Instant started, Instant at) {
    long s = Math.max(0, Duration.between(started, at).toSeconds());
    return s >= 3600
        ? "+%d:%02d:%02d".formatted(s / 3600, s / 60 % 60, s % 60)
        : "+%02d:%02d".formatted(s / 60, s % 60);
  }
}
