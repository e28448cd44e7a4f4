package dev.sherlock.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkQueueTest {
  private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  private final ReadOrder order = new ReadOrder();
  private final WorkQueue<String> queue =
      new WorkQueue<>(
          clock,
          Duration.ofSeconds(1),
          Duration.ofMinutes(5),
          1000,
          1000,
          Duration.ofMillis(1),
          order);

  @Test
  void aKeyQueuedByAReadCarriesThatReadsStampAndALaterAskRaisesIt() throws Exception {
    long read = order.stamp();
    queue.addSince("a", read);
    assertThat(queue.take()).contains("a");
    assertThat(queue.since("a")).isEqualTo(read);
    queue.done("a");

    queue.addSince("a", read);
    queue.add("a"); // an event after the read: the reading is too old for it
    assertThat(queue.take()).contains("a");
    assertThat(queue.since("a")).isGreaterThan(read);
  }

  @Test
  void anAskWhileTheKeyIsProcessedIsKeptForItsNextTurn() throws Exception {
    queue.add("a");
    assertThat(queue.take()).contains("a");
    long first = queue.since("a");
    queue.add("a");
    queue.done("a");
    assertThat(queue.take()).contains("a");
    assertThat(queue.since("a")).isGreaterThan(first);
  }

  @Test
  void pullForwardMovesUpMatchingKeysDueSoonButNotThoseBackingOffOrFarAway() throws Exception {
    queue.addAfter("c1/soon", Duration.ofSeconds(5));
    queue.addAfter("c1/later", Duration.ofMinutes(10));
    queue.addAfter("c2/soon", Duration.ofSeconds(5));
    queue.add("c1/failing");
    assertThat(queue.take()).contains("c1/failing");
    queue.retry("c1/failing");
    queue.done("c1/failing");

    var pulled = queue.pullForward(k -> k.startsWith("c1/"), Duration.ofSeconds(10), 9);

    assertThat(pulled).containsExactly("c1/soon");
    assertThat(queue.take()).contains("c1/soon"); // due now, without the clock moving
    assertThat(queue.dueAt("c1/later")).contains(clock.instant().plus(Duration.ofMinutes(10)));
    assertThat(queue.dueAt("c2/soon")).contains(clock.instant().plus(Duration.ofSeconds(5)));
  }

  @Test
  void pullForwardTakesAtMostTheLimitSoonestFirst() {
    for (int i = 0; i < 12; i++) {
      queue.addAfter("c1/s" + i, Duration.ofSeconds(12 - i));
    }
    var pulled = queue.pullForward(k -> true, Duration.ofSeconds(20), 9);
    assertThat(pulled).hasSize(9).startsWith("c1/s11", "c1/s10").doesNotContain("c1/s0");
  }

  @Test
  void whatAResyncAloneAskedForWaitsBehindWhatAnythingElseAskedFor() throws Exception {
    queue.addSince("resync-1", order.stamp());
    queue.addSince("resync-2", order.stamp());
    queue.add("revert");
    queue.addSince("both", order.stamp());
    queue.add("both"); // a session changed too: it is not routine any more

    assertThat(List.of(take(), take())).containsExactlyInAnyOrder("revert", "both");
    assertThat(List.of(take(), take())).containsExactlyInAnyOrder("resync-1", "resync-2");
  }

  private String take() throws InterruptedException {
    String key = queue.take().orElseThrow();
    queue.done(key);
    return key;
  }

  @Test
  void aShutDownQueueHandsOutNothing() throws Exception {
    queue.add("a");
    queue.shutdown();
    assertThat(queue.take()).isEqualTo(Optional.empty());
  }
}
