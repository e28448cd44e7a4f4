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
    assertThat(budget.reserve().orElseThrow().toMillis()).isCloseTo(1000, within(50L));
    assertThat(budget.reserve().orElseThrow().toMillis()).isCloseTo(2000, within(50L));
  }

  @Test
  void aCallWhoseSlotIsPastTheLongestWaitIsRefusedAndTakesNothing() {
    for (int i = 0; i < 20 + 30; i++) {
      assertThat(budget.reserve()).isPresent();
    }
    assertThat(budget.reserve()).isEmpty();
    assertThat(budget.reserve()).isEmpty(); // the refused one did not push the next further out
  }

  @Test
  void throttlingCutsTheRateAndEmptiesTheBucketAndSuccessesWinItBack() {
    budget.throttled();

    assertThat(budget.rate()).isCloseTo(0.7, within(1e-9));
    assertThat(budget.reserve().orElseThrow().toMillis()).isCloseTo(1429, within(50L));
    for (int i = 0; i < 10; i++) {
      budget.throttled();
    }
    assertThat(budget.rate()).isCloseTo(0.05, within(1e-9)); // never below a twentieth
    for (int i = 0; i < 100; i++) {
      budget.succeeded();
    }
    assertThat(budget.rate()).isEqualTo(1.0); // never above the published rate
  }
}
