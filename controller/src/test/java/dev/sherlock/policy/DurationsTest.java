package dev.sherlock.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({
    "90s, PT1M30S, 1m30s",
    "30m, PT30M, 30m",
    "2h, PT2H, 2h",
    "1h30m, PT1H30M, 1h30m",
    "1h0m5s, PT1H5S, 1h5s",
    "0s, PT0S, 0s"
  })
  void parsesAndFormatsPolicyDurations(String text, Duration expected, String canonical) {
    assertThat(Durations.parse(text)).isEqualTo(expected);
    assertThat(Durations.format(expected)).isEqualTo(canonical);
  }

  @ParameterizedTest
  @ValueSource(strings = {"30mins", "", "m", "1.5h", "-5m", "5 m", "30m1h", "P1D"})
  void rejectsAnythingElse(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad duration");
  }
}
