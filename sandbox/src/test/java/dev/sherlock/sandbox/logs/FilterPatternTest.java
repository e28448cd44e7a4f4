package dev.sherlock.sandbox.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FilterPatternTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''                          | anything        | true",
        "ERROR                       | ERROR: boom     | true",
        "ERROR                       | error: boom     | false",
        "ERROR boom                  | ERROR: boom     | true",
        "ERROR bang                  | ERROR: boom     | false",
        "?WARN ?ERROR                | WARN: slow      | true",
        "?WARN ?ERROR                | INFO: fine      | false",
        "'\"chaos mode\"'            | chaos mode on   | true",
        "'\"chaos mode\"'            | chaos on mode   | false",
        "ERROR -timeout              | ERROR: timeout  | false",
      })
  void matches(String pattern, String message, boolean expected) {
    assertThat(FilterPattern.parse(pattern).matches(message)).isEqualTo(expected);
  }

  @Test
  void jsonPatternsAreRejectedNotGuessed() {
    assertThatThrownBy(() -> FilterPattern.parse("{ $.level = \"ERROR\" }"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FilterPattern.parse("\"unclosed"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
