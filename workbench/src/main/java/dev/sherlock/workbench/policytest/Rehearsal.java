package dev.sherlock.workbench.policytest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.controller.Controller;
import dev.sherlock.finding.Finding;
import dev.sherlock.finding.Findings;
import dev.sherlock.install.Installer;
import dev.sherlock.overlay.TaskDefinitionOverlay;
import dev.sherlock.policy.DebugPolicy;
import dev.sherlock.sandbox.Sandbox;
import dev.sherlock.sandbox.ecs.Ecs;
import dev.sherlock.sandbox.workload.Scenario;
import dev.sherlock.session.Session;
import dev.sherlock.session.Sessions;
import dev.sherlock.snapshot.SnapshotTaker;
import dev.sherlock.source.PolicySource;
import dev.sherlock.workbench.OnTheSandbox;
import dev.sherlock.workbench.World;
import dev.sherlock.workbench.policytest.PolicyTest.Happening;
import io.micronaut.context.ApplicationContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionField;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The real controller - Micronaut context, SDK clients over HTTP, SQLite store - against an
 * in-process sandbox on a virtual clock, with a timeline of what happens to the world. Time moves
 * in small steps, and only once the controller has settled (no event in the queue, no reconcile
 * due), so half an hour of ECS passes in seconds and every reaction happens at its moment.
 */
public final class Rehearsal implements AutoCloseable {
  /** Where the virtual clock starts: any fixed instant makes runs repeatable. */
  public static final Instant START = Instant.parse("2026-11-20T09:00:00Z");

  private static final Duration STEP = Duration.ofSeconds(10);
  private static final Duration LOOP_TICKS = Duration.ofMillis(250);
  private static final Duration SETTLE_AT_MOST = Duration.ofSeconds(3);
  private static final Duration READY_AT_MOST = Duration.ofSeconds(60);

  private final World world;
  private final Sandbox sandbox;
  private final Path data;
  private final ApplicationContext context;
  private final Controller controller;
  private final SnapshotTaker snapshots;
  private final EcsClient ecs;
  private final SqsClient sqs;
  private final String queueUrl;
  private final String queueArn;
  private final List<Finding> findings = new CopyOnWriteArrayList<>();
  private final Map<String, String> registered = new java.util.HashMap<>();
  private final List<String> notActedOut = new CopyOnWriteArrayList<>();
  private final Instant t0;
  private int events;

  /**
   * Starts the sandbox with {@code world} and the controller with the policies in {@code policies},
   * and waits until it is ready.
   *
   * @throws IllegalStateException when the controller does not become ready
   */
  public Rehearsal(World world, Path policies, boolean dryRun) {
    this(world, policies, dryRun, START);
  }

  /**
   * As {@link #Rehearsal(World, Path, boolean)}, with the virtual clock starting at {@code
   * clockStart}.
   */
  public Rehearsal(World world, Path policies, boolean dryRun, Instant clockStart) {
    this.world = world;
    sandbox =
        Sandbox.builder()
            .port(0)
            .virtualClock(clockStart)
            .seed(7)
            .region(world.region())
            .account(world.account())
            .start();
    try {
      world.seed(sandbox);
      sandbox.advance(Duration.ofSeconds(30)); // the services' first tasks are running
      data = Files.createTempDirectory("sherlock-test");
      Map<String, Object> properties = OnTheSandbox.properties(sandbox, policies, data);
      properties.put("sherlock.resync-interval", "1m");
      properties.put("sherlock.mode", dryRun ? "dryRun" : "enforce");
      context =
          ApplicationContext.builder().properties(properties).singletons(sandbox.clock()).start();
      ecs = client(EcsClient.builder());
      sqs = client(SqsClient.builder());
      Installer.Installed installed =
          context.getBean(Installer.class).install(context.getBean(PolicySource.class).policies());
      queueUrl = installed.queueUrl();
      queueArn = installed.queueArn();
      context.getBean(Findings.class).listen(findings::add);
      controller = context.getBean(Controller.class);
      snapshots = context.getBean(SnapshotTaker.class);
      controller.start();
      long deadline = System.nanoTime() + READY_AT_MOST.toNanos();
      while (!controller.progress().ready()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the controller was not ready after " + READY_AT_MOST.toSeconds() + " s");
        }
        pause(Duration.ofMillis(20));
      }
      settle(LOOP_TICKS);
      t0 = sandbox.now();
    } catch (IOException e) {
      close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The start of the scenario: timeline times and windows count from here. */
  public Instant start() {
    return t0;
  }

  /** The sandbox, for what a caller feeds it beyond a timeline (a recording's metrics). */
  public Sandbox sandbox() {
    return sandbox;
  }

  /** Every finding so far, in the order they were recorded. */
  public List<Finding> findings() {
    return List.copyOf(findings);
  }

  /**
   * The revision a service of the world (by name, or as {@code cluster/name}) runs now, e.g. {@code
   * like-service:1}.
   */
  public String runningRevision(String service) {
    World.Service running = world.service(service);
    String arn =
        ecs.describeServices(b -> b.cluster(running.cluster()).services(running.name()))
            .services()
            .getFirst()
            .taskDefinition();
    return arn.substring(arn.lastIndexOf('/') + 1);
  }

  /**
   * Plays the timeline for {@code length} from the start: each step at its time, the world and the
   * controller moving between them.
   */
  public void play(List<PolicyTest.Step> timeline, Duration length) {
    List<PolicyTest.Step> steps = new ArrayList<>(expand(timeline));
    steps.sort(Comparator.comparing(PolicyTest.Step::at));
    Duration now = Duration.ZERO;
    int next = 0;
    while (true) {
      while (next < steps.size() && !steps.get(next).at().minus(now).isPositive()) {
        happen(steps.get(next++).what());
      }
      settle(Duration.ofMillis(20));
      if (now.compareTo(length) >= 0) {
        return;
      }
      Duration until = now.plus(STEP);
      if (next < steps.size() && steps.get(next).at().compareTo(until) < 0) {
        until = steps.get(next).at();
      }
      until = until.compareTo(length) > 0 ? length : until;
      boolean minuteTurned = until.toMinutes() != now.toMinutes();
      sandbox.advance(until.minus(now));
      now = until;
      if (minuteTurned) {
        // The controller's loops look at the clock ten times a second: a metric poll or resync
        // that came due must see this minute before time moves on.
        settle(LOOP_TICKS);
      }
    }
  }

  /** A metric over a while is one datapoint per period, each its own step. */
  private static List<PolicyTest.Step> expand(List<PolicyTest.Step> timeline) {
    List<PolicyTest.Step> steps = new ArrayList<>();
    for (PolicyTest.Step step : timeline) {
      if (step.what() instanceof Happening.Metric m && m.length().isPresent()) {
        Duration every = m.every().filter(Duration::isPositive).orElse(Duration.ofMinutes(1));
        for (Duration t = Duration.ZERO; t.compareTo(m.length().get()) < 0; t = t.plus(every)) {
          steps.add(
              new PolicyTest.Step(
                  step.at().plus(t),
                  new Happening.Metric(
                      m.namespace(),
                      m.name(),
                      m.dimensions(),
                      m.value(),
                      Optional.empty(),
                      Optional.empty())));
        }
      } else {
        steps.add(step);
      }
    }
    return steps;
  }

  private void happen(Happening what) {
    Instant now = sandbox.now();
    switch (what) {
      case Happening.OomKill o -> {
        World.Service s = world.service(o.service());
        sandbox
            .scenario()
            .add(
                new Scenario.OomKill(
                    s.cluster(), s.name(), o.after().orElse(Duration.ofSeconds(30))));
      }
      case Happening.CrashLoop c -> {
        World.Service s = world.service(c.service());
        sandbox
            .scenario()
            .add(
                new Scenario.CrashLoop(
                    s.cluster(),
                    s.name(),
                    c.after().orElse(Duration.ofSeconds(30)),
                    c.exitCode().orElse(1)));
      }
      case Happening.CpuSpike c -> {
        World.Service s = world.service(c.service());
        sandbox
            .scenario()
            .add(new Scenario.CpuSpike(s.cluster(), s.name(), now, c.lasts(), c.percent()));
      }
      case Happening.LatencySpike l -> {
        World.Service s = world.service(l.service());
        sandbox
            .scenario()
            .add(new Scenario.LatencySpike(s.cluster(), s.name(), now, l.lasts(), l.factor()));
      }
      case Happening.Recover r -> {
        World.Service s = world.service(r.service());
        sandbox.scenario().clear(s.cluster(), s.name());
      }
      case Happening.Event e -> sandbox.eventDelivery().deliver(queueArn, event(e.body(), now));
      case Happening.Metric m ->
          sandbox.publish(m.namespace(), m.name(), m.dimensions(), m.value());
      case Happening.Deploy d -> deploy(world.service(d.service()), d);
      case Happening.OpenSession o -> open(world.service(o.service()), o);
      case Happening.ApiCall a -> act(a);
    }
  }

  /**
   * A person's ECS call, made as they made it: a registration keeps the number it got (as the world
   * keeps the fleet's), and a deploy of it deploys the world's revision of that number. A call the
   * world refuses is kept for {@link #notActedOut()}, and the replay goes on.
   */
  private void act(Happening.ApiCall call) {
    ObjectNode request = call.request().deepCopy();
    try {
      if (call.operation().equals("RegisterTaskDefinition")) {
        String family = request.path("family").asText();
        call.revision().ifPresent(r -> sandbox.ecs().numberNextRevision(family, r));
        // Their images ran then: the world pulls them, wherever they come from.
        request
            .path("containerDefinitions")
            .forEach(
                c -> {
                  if (!c.path("image").asText("").isEmpty()) {
                    sandbox.workload().knowImages(c.path("image").asText());
                  }
                });
        String arn =
            sandbox
                .call(Ecs.TARGET_PREFIX, call.operation(), request)
                .at("/taskDefinition/taskDefinitionArn")
                .asText();
        call.revision().ifPresent(r -> registered.put(family + ":" + r, arn));
      } else {
        String named = request.path("taskDefinition").asText("");
        String revision = named.substring(named.lastIndexOf('/') + 1);
        if (registered.containsKey(revision)) {
          request.put("taskDefinition", registered.get(revision));
        }
        sandbox.call(Ecs.TARGET_PREFIX, call.operation(), request);
      }
    } catch (RuntimeException e) {
      notActedOut.add("%s: %s".formatted(call.summary(), dev.sherlock.UserError.oneLine(e)));
    }
  }

  /** The people's calls the world refused, each with why. */
  public List<String> notActedOut() {
    return List.copyOf(notActedOut);
  }

  /** The event as EventBridge delivers it: what the test left out (id, time, account) filled in. */
  private String event(JsonNode body, Instant now) {
    ObjectNode event = body.deepCopy();
    events++;
    if (!event.hasNonNull("id")) {
      event.put("id", UUID.nameUUIDFromBytes(("event-" + events).getBytes()).toString());
    }
    if (!event.hasNonNull("time")) {
      event.put("time", now.toString());
    }
    if (!event.hasNonNull("account")) {
      event.put("account", sandbox.account());
    }
    if (!event.hasNonNull("region")) {
      event.put("region", sandbox.region());
    }
    if (!event.has("version")) {
      event.put("version", "0");
    }
    return event.toString();
  }

  /**
   * A person's deploy, as a pipeline does it: their own revision (the base of Sherlock's, if one
   * runs) with the variables set, registered and rolled out.
   */
  private void deploy(World.Service service, Happening.Deploy d) {
    String running =
        ecs.describeServices(b -> b.cluster(service.cluster()).services(service.name()))
            .services()
            .getFirst()
            .taskDefinition();
    var described =
        ecs.describeTaskDefinition(
            b -> b.taskDefinition(running).include(TaskDefinitionField.TAGS));
    Optional<String> base =
        described.tags().stream()
            .filter(t -> t.key().equals(TaskDefinitionOverlay.TAG_BASE))
            .map(Tag::value)
            .findFirst();
    var own =
        base.isEmpty()
            ? described
            : ecs.describeTaskDefinition(
                b -> b.taskDefinition(base.get()).include(TaskDefinitionField.TAGS));
    TaskDefinition definition = own.taskDefinition();
    String container = d.container().orElse(definition.containerDefinitions().getFirst().name());
    List<ContainerDefinition> containers = new ArrayList<>();
    for (ContainerDefinition c : definition.containerDefinitions()) {
      if (!c.name().equals(container)) {
        containers.add(c);
        continue;
      }
      Map<String, String> environment = new java.util.LinkedHashMap<>();
      c.environment().forEach(kv -> environment.put(kv.name(), kv.value()));
      environment.putAll(d.environment());
      containers.add(
          c.toBuilder()
              .environment(
                  environment.entrySet().stream()
                      .map(x -> KeyValuePair.builder().name(x.getKey()).value(x.getValue()).build())
                      .toList())
              .build());
    }
    RegisterTaskDefinitionRequest request =
        TaskDefinitionOverlay.asRegistration(definition, own.tags()).toBuilder()
            .containerDefinitions(containers)
            .build();
    String arn = ecs.registerTaskDefinition(request).taskDefinition().taskDefinitionArn();
    ecs.updateService(
        b -> b.cluster(service.cluster()).service(service.name()).taskDefinition(arn));
  }

  private void open(World.Service service, Happening.OpenSession o) {
    DebugPolicy policy =
        context.getBean(PolicySource.class).policies().stream()
            .filter(p -> p.name().equals(o.policy()))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no policy " + o.policy()));
    String arn =
        "arn:aws:ecs:%s:%s:service/%s/%s"
            .formatted(sandbox.region(), sandbox.account(), service.cluster(), service.name());
    context
        .getBean(Sessions.class)
        .open(
            new Sessions.Request(
                policy,
                service.cluster(),
                arn,
                service.name(),
                Session.Origin.MANUAL,
                o.reason(),
                o.duration(),
                Optional.empty()));
  }

  /**
   * Waits, at least {@code atLeast} and at most {@link #SETTLE_AT_MOST}, until what happened has
   * been handled: every event delivered and taken from the queue, no reconcile running or due.
   */
  private void settle(Duration atLeast) {
    long began = System.nanoTime();
    long deadline = began + SETTLE_AT_MOST.toNanos();
    while (System.nanoTime() < deadline) {
      boolean waited = System.nanoTime() - began >= atLeast.toNanos();
      if (waited
          && sandbox.eventDelivery().idle()
          && queueEmpty()
          && controller.settled()
          && snapshots.idle()) {
        return;
      }
      pause(Duration.ofMillis(5));
    }
  }

  private boolean queueEmpty() {
    Map<QueueAttributeName, String> attributes =
        sqs.getQueueAttributes(
                b ->
                    b.queueUrl(queueUrl)
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
            .attributes();
    return attributes.values().stream().allMatch("0"::equals);
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration); // a rehearsal waits in real time for the controller to catch up
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private <B extends AwsClientBuilder<B, C>, C> C client(B builder) {
    return builder
        .endpointOverride(sandbox.endpoint())
        .region(Region.of(sandbox.region()))
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("sandbox", "sandbox")))
        .build();
  }

  @Override
  public void close() {
    if (controller != null) {
      controller.close();
    }
    if (context != null) {
      context.close();
    }
    for (AutoCloseable c : new AutoCloseable[] {ecs, sqs}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // closing a client of a sandbox that is going away anyway
      }
    }
    sandbox.close();
    if (data != null) {
      try (var files = Files.walk(data)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temporary directory left behind is harmless
      }
    }
  }
}
