package dev.sherlock.workbench.policytest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sherlock.UserError;
import dev.sherlock.plan.ClusterState;
import dev.sherlock.policy.DebugSession;
import dev.sherlock.policy.Durations;
import dev.sherlock.policy.load.Diagnostic;
import dev.sherlock.policy.load.LoadedDocument;
import dev.sherlock.policy.load.PolicyLoader;
import dev.sherlock.policy.load.PolicySet;
import dev.sherlock.policy.load.SourceMap;
import dev.sherlock.workbench.StateWorld;
import dev.sherlock.workbench.World;
import dev.sherlock.workbench.policytest.PolicyTest.Expectation;
import dev.sherlock.workbench.policytest.PolicyTest.Happening;
import dev.sherlock.workbench.policytest.PolicyTestLoader.LoadedTest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sherlock test DIR}: runs each {@code PolicyTest} under DIR against an in-process sandbox
 * with the real controller on a virtual clock, and prints what held and what did not. Exit 0 when
 * every expectation held, 1 when one did not, 2 when a test or policy file is not valid (one {@code
 * file:line:column: error:} line each, nothing run).
 */
@Command(
    name = "test",
    description = "Run PolicyTest scenarios on the sandbox's virtual clock; exit 1 on any failure.")
public final class TestCommand implements Callable<Integer> {
  /** The longest scenario a test may run: a day of ECS. */
  static final Duration LONGEST = Duration.ofHours(24);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      arity = "1..*",
      paramLabel = "PATH",
      description = "Test files or directories (PolicyTest documents; others are passed over).")
  List<Path> paths;

  @Option(
      names = "--policies",
      paramLabel = "DIR",
      description = "The policies under test (default: the directory above the first PATH).")
  Optional<Path> policiesOption;

  @Option(
      names = "--output",
      defaultValue = "table",
      description = "table, json or junit. Default: ${DEFAULT-VALUE}.")
  TestReport.Format output;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path policies = policiesOption.orElseGet(this::defaultPolicies);
    PolicyTestLoader.Loaded loaded = new PolicyTestLoader().load(paths);
    PolicySet set = new PolicyLoader().load(List.of(policies));
    List<Diagnostic> problems = new ArrayList<>(loaded.problems());
    problems.addAll(set.problems());
    Map<LoadedTest, World> worlds = new HashMap<>();
    for (LoadedTest test : loaded.tests()) {
      try {
        World world = worldOf(test);
        worlds.put(test, world);
        problems.addAll(names(test, set, policies, world));
      } catch (ClusterState.StateException e) {
        problems.add(
            Diagnostic.at(
                test.source().file(),
                test.source().positions().value("/spec/world/state"),
                // the file's own "FILE: error: why" inside this line's "error:"
                "spec.world.state: " + e.getMessage().replaceFirst(": error: ", ": ")));
      }
    }
    if (!problems.isEmpty()) {
      problems.stream().sorted(Diagnostic.BY_POSITION).forEach(p -> err.println(p.format()));
      err.flush();
      return 2;
    }
    if (loaded.tests().isEmpty()) {
      err.println("sherlock test: error: no PolicyTest documents in " + paths);
      err.flush();
      return 2;
    }
    List<Verdicts.Verdict> verdicts = new ArrayList<>();
    for (LoadedTest loadedTest : loaded.tests()) {
      PolicyTest test = loadedTest.test();
      long began = System.nanoTime();
      List<Verdicts.Verdict> found = run(test, set, worlds.get(loadedTest));
      verdicts.addAll(found);
      err.printf(
          "sherlock test: %s: %s of ECS in %.1f s, %d of %d expectations held%n",
          test.name(),
          Durations.format(test.duration()),
          (System.nanoTime() - began) / 1e9,
          found.stream().filter(Verdicts.Verdict::passed).count(),
          found.size());
      err.flush();
    }
    TestReport report = new TestReport(verdicts);
    report.print(output, out);
    return report.passed() ? 0 : 1;
  }

  /**
   * The directory above the tests': {@code policies/} for {@code policies/tests} and for {@code
   * policies/tests/oom.yaml} alike.
   */
  private Path defaultPolicies() {
    Path first = paths.getFirst().toAbsolutePath().normalize();
    Path tests = Files.isDirectory(first) ? first : first.getParent();
    Path above = tests == null ? null : tests.getParent();
    return above == null ? Path.of(".") : above;
  }

  /** The world a test starts in: its state file, relative to the test's own, or the Mysfits. */
  private static World worldOf(LoadedTest loaded) throws ClusterState.StateException {
    Optional<String> state = loaded.test().spec().world().flatMap(PolicyTest.World::state);
    if (state.isEmpty()) {
      return new World.Mysfits();
    }
    return StateWorld.read(Path.of(loaded.source().file()).resolveSibling(state.get()).normalize());
  }

  private static List<Verdicts.Verdict> run(PolicyTest test, PolicySet set, World world)
      throws IOException {
    Path dir = Files.createTempDirectory("sherlock-test-policies");
    try {
      for (LoadedDocument document : inForce(test, set)) {
        Path file =
            dir.resolve(
                "%s-%s.yaml"
                    .formatted(document.model().kind(), document.model().metadata().name()));
        // JSON is YAML: the document as it was read, without the rest of its file.
        Files.writeString(file, document.source().root().toString());
      }
      try (Rehearsal rehearsal = new Rehearsal(world, dir, test.spec().dryRun().orElse(false))) {
        rehearsal.play(test.spec().timeline(), test.duration());
        return new Verdicts(
                test, rehearsal.findings(), rehearsal.start(), rehearsal::runningRevision)
            .judge();
      }
    } catch (RuntimeException e) {
      return Verdicts.allFailed(test, "the scenario could not run: " + UserError.oneLine(e));
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** The documents a test names (with the policies its sessions run), or all of them. */
  private static List<LoadedDocument> inForce(PolicyTest test, PolicySet set) {
    if (test.spec().policies().isEmpty()) {
      return set.documents();
    }
    Set<String> names = new LinkedHashSet<>(test.spec().policies());
    for (LoadedDocument d : set.documents()) {
      if (d.model() instanceof DebugSession s && names.contains(s.name())) {
        names.add(s.spec().policy());
      }
    }
    return set.documents().stream()
        .filter(d -> names.contains(d.model().metadata().name()))
        .toList();
  }

  /**
   * What a test names that the policy directory lacks: a policy to put in force, open, or expect
   * something of - each at its place in the test file - and a scenario longer than a day.
   */
  private static List<Diagnostic> names(
      LoadedTest loaded, PolicySet set, Path policies, World world) {
    PolicyTest test = loaded.test();
    List<Diagnostic> problems = new ArrayList<>();
    Set<String> known = new LinkedHashSet<>();
    set.documents().forEach(d -> known.add(d.model().metadata().name()));
    JsonNode root = loaded.source().root();
    String file = loaded.source().file();
    List<String> inForce = test.spec().policies();
    for (int i = 0; i < inForce.size(); i++) {
      if (!known.contains(inForce.get(i))) {
        problems.add(
            unknown(loaded, SourceMap.child("/spec/policies", i), inForce.get(i), policies));
      }
    }
    for (int i = 0; i < test.spec().timeline().size(); i++) {
      if (test.spec().timeline().get(i).what() instanceof Happening.OpenSession o
          && !known.contains(o.policy())) {
        problems.add(
            unknown(
                loaded,
                SourceMap.child("/spec/timeline", i) + "/openSession/policy",
                o.policy(),
                policies));
      }
    }
    for (int i = 0; i < test.spec().expect().size(); i++) {
      Expectation e = test.spec().expect().get(i);
      Optional<String> policy = e.policyName();
      if (policy.isPresent() && !known.contains(policy.get())) {
        String key = root.path("spec").path("expect").path(i).fieldNames().next();
        problems.add(
            unknown(
                loaded,
                SourceMap.child("/spec/expect", i) + "/" + key + "/policy",
                policy.get(),
                policies));
      }
      Optional<String> missing =
          e instanceof Expectation.Reverted r ? notIn(world, r.service()) : Optional.empty();
      if (missing.isPresent()) {
        problems.add(
            Diagnostic.at(
                file,
                loaded
                    .source()
                    .positions()
                    .value(SourceMap.child("/spec/expect", i) + "/reverted/service"),
                "spec.expect[%d].reverted.service: %s".formatted(i, missing.get())));
      }
    }
    for (int i = 0; i < test.spec().timeline().size(); i++) {
      PolicyTest.Step step = test.spec().timeline().get(i);
      String pointer = SourceMap.child("/spec/timeline", i);
      Optional<String> service = serviceOf(step.what());
      Optional<String> missing = service.flatMap(s -> notIn(world, s));
      if (missing.isPresent()) {
        String key = happeningKey(root.path("spec").path("timeline").path(i));
        problems.add(
            Diagnostic.at(
                file,
                loaded.source().positions().value(pointer + "/" + key + "/service"),
                "spec.timeline[%d].%s.service: %s".formatted(i, key, missing.get())));
      }
      if (step.at().compareTo(test.duration()) > 0) {
        problems.add(
            Diagnostic.at(
                file,
                loaded.source().positions().value(pointer + "/at"),
                "spec.timeline[%d].at: %s is after the scenario's end (duration %s)"
                    .formatted(i, Durations.format(step.at()), Durations.format(test.duration()))));
      }
      if (step.what() instanceof Happening.Metric m
          && m.every().isPresent()
          && !m.every().get().isPositive()) {
        problems.add(
            Diagnostic.at(
                file,
                loaded.source().positions().value(pointer + "/metric/every"),
                "spec.timeline[%d].metric.every: must be more than 0s".formatted(i)));
      }
    }
    if (test.duration().compareTo(LONGEST) > 0) {
      problems.add(
          Diagnostic.at(
              file,
              loaded.source().positions().value("/spec/duration"),
              "spec.duration: the scenario runs %s; at most 24h"
                  .formatted(Durations.format(test.duration()))));
    }
    return problems;
  }

  /** Why the world has no service by that reference, if it has none (or several). */
  private static Optional<String> notIn(World world, String service) {
    try {
      world.service(service);
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
  }

  /** The key beside {@code at} in a timeline step: {@code oomKill}, {@code deploy}, ... */
  private static String happeningKey(JsonNode step) {
    var names = step.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!name.equals("at")) {
        return name;
      }
    }
    return "at";
  }

  /** The service a happening acts on, if it names one. */
  private static Optional<String> serviceOf(Happening what) {
    return switch (what) {
      case Happening.OomKill o -> Optional.of(o.service());
      case Happening.CrashLoop c -> Optional.of(c.service());
      case Happening.CpuSpike c -> Optional.of(c.service());
      case Happening.LatencySpike l -> Optional.of(l.service());
      case Happening.Recover r -> Optional.of(r.service());
      case Happening.Deploy d -> Optional.of(d.service());
      case Happening.OpenSession o -> Optional.of(o.service());
      case Happening.Event e -> Optional.empty();
      case Happening.Metric m -> Optional.empty();
      case Happening.ApiCall a -> Optional.empty();
    };
  }

  private static Diagnostic unknown(LoadedTest loaded, String pointer, String name, Path policies) {
    return Diagnostic.at(
        loaded.source().file(),
        loaded.source().positions().value(pointer),
        "no policy or session '%s' in %s".formatted(name, policies));
  }
}
