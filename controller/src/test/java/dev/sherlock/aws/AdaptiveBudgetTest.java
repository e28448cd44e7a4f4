package dev.sherlock.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sherlock.config.SherlockConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AdaptiveBudgetTest {
  // RegisterTaskDefinition's published bucket: 20 at once, then 1 a second.
  private final AdaptiveBudget budget =
      new AdaptiveBudget(new SherlockConfig.Budget(20, 1), Duration.ofSeconds(30));

  @Test
  void theBurstGoesAtOnceAndThenCallsArePacedAtThePublishedRate() {
    for (int i = 0; i < 20; i++) {
      assertThat(budget.reserve()).contains(Duration.ZERO);
    }
    // A hair under the published rate (98%): calls arrive unevenly.
    assertThat(budget.reserve().orElseThrow().toMillis()).isCloseTo(1020, within(20L));
    assertThat(budget.reserve().orElseThrow().toMillis()).isCloseTo(2041, within(20L));
  }

  @Test
  void aCallWhoseSlotIsPastTheLongestWaitIsRefusedAndTakesNothing() {
    for (int i = 0; i < 20 + 29; i++) { // the 29th after the burst waits 29.6 s
      assertThat(budget.reserve()).isPresent();
    }
    assertThat(budget.reserve()).isEmpty();
    assertThat(budget.reserve()).isEmpty(); // the refused one did not push the next further out
  }

  @Test
  void oneThrottleEmptiesTheBucketAndAnotherSoonAfterCutsTheRateWhichSuccessesWinBack() {
    budget.throttled(); // the buckets refilled out of step: empty, at the same rate

    assertThat(budget.rate()).isCloseTo(0.98, within(1e-9));
    assertThat(budget.reserve().orElseThrow().toMillis()).isCloseTo(1020, within(20L));

    budget.throttled(); // again at once: someone else spends this budget too
    assertThat(budget.rate()).isCloseTo(0.784, within(1e-9));
    for (int i = 0; i < 20; i++) {
      budget.throttled();
    }
    assertThat(budget.rate()).isCloseTo(0.049, within(1e-9)); // never below a twentieth
    for (int i = 0; i < 100; i++) {
      budget.succeeded();
    }
    assertThat(budget.rate()).isCloseTo(0.98, within(1e-9)); // never above where it started
  }
}
