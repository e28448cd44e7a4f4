package dev.sherlock.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sherlock.queue.ReadOrder;
import dev.sherlock.queue.WorkQueue;
import dev.sherlock.reconcile.ServiceArns;
import dev.sherlock.source.ServiceCache;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a resync spends of AWS's API budget, counted on the sandbox's ledger: the calls the
 * controller makes, as AWS would count them.
 */
class ApiBudgetIT {
  @TempDir Path root;
  private ControllerWorld world;
  private Controller controller;

  @BeforeEach
  void start() {
    world = new ControllerWorld(root);
    world.policy(
        "oom.yaml", ControllerWorld.oomPolicy("oom-debug", ControllerWorld.DEBUG_LOGS, ""));
    controller = world.start();
    world.awaitUntil(() -> controller.lastResync().isPresent());
    quiet();
  }

  @AfterEach
  void stop() {
    world.close();
  }

  @Test
  void aResyncOfServicesWithNothingOfSherlocksOnThemDescribesTenPerCallAndNothingMore() {
    world.sandbox.calls().reset();
    long before = controller.reconciles();

    controller.resync();

    // mysfits has two services: one DescribeServices for both, no reconcile describing one again.
    assertThat(world.sandbox.calls().count("ecs", "DescribeServices")).isEqualTo(1);
    assertThat(world.sandbox.calls().successes("ecs").keySet())
        .containsOnly("ListClusters", "ListServices", "DescribeServices");
    quiet();
    assertThat(controller.reconciles()).isEqualTo(before);
  }

  @Test
  void aResyncStillReconcilesAServiceWithAnOpenSession() {
    world.oomOnce("like-service");
    world.advanceUntil(
        Duration.ofSeconds(5),
        () -> world.runningRevision("like-service").equals("like-service:2"));
    quiet();
    world.sandbox.calls().reset();
    long before = controller.reconciles();

    controller.resync();

    // Its session expires, drifts or fails through the reconcile: the resync must not skip it.
    // The reconcile acts on what the resync read: no DescribeServices of its own.
    world.awaitUntil(() -> controller.reconciles() == before + 1);
    assertThat(world.sandbox.calls().count("ecs", "DescribeServices")).isEqualTo(1);
  }

  @Test
  void aReadTakesAlongTheClustersServicesDueSoonAndTheirReconcilesReadNothingMore()
      throws InterruptedException {
    // The controller's own read path - its work queue's asks, its service cache - on a queue of
    // this test's: which service the workers would take first is theirs to decide.
    ReadOrder order = world.context.getBean(ReadOrder.class);
    ServiceCache cache = world.context.getBean(ServiceCache.class);
    WorkQueue<String> queue =
        new WorkQueue<>(
            world.sandbox.clock(),
            Duration.ofSeconds(1),
            Duration.ofMinutes(1),
            100,
            100,
            Duration.ofMillis(10),
            order);
    String like = ARN_PREFIX + "like-service";
    String monolith = ARN_PREFIX + "monolith";
    queue.addAfter(monolith, Duration.ofSeconds(5)); // a watched rollout's next look
    queue.add(like);
    world.sandbox.calls().reset();

    assertThat(read(queue, cache)).contains(like);
    assertThat(read(queue, cache)).contains(monolith); // moved up, and read with like-service
    assertThat(world.sandbox.calls().count("ecs", "DescribeServices")).isEqualTo(1);

    queue.add(monolith); // asked again after that read: the reading is too old for it
    assertThat(read(queue, cache)).contains(monolith);
    assertThat(world.sandbox.calls().count("ecs", "DescribeServices")).isEqualTo(2);
  }

  private static final String ARN_PREFIX = "arn:aws:ecs:us-east-1:123456789012:service/mysfits/";

  /** Takes the next key and reads its service the way the controller's workers do. */
  private static String read(WorkQueue<String> queue, ServiceCache cache)
      throws InterruptedException {
    String arn = queue.take().orElseThrow();
    var service =
        cache.readSince(
            arn,
            queue.since(arn),
            cluster ->
                queue.pullForward(
                    a -> ServiceArns.cluster(a).equals(cluster), Duration.ofSeconds(10), 9));
    queue.done(arn);
    return service.orElseThrow().serviceArn();
  }

  /** Waits until no reconcile has run for a second: what was queued is done. */
  private void quiet() {
    long[] seen = {controller.reconciles()};
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              long now = controller.reconciles();
              boolean still = now == seen[0];
              seen[0] = now;
              return still;
            });
  }
}
