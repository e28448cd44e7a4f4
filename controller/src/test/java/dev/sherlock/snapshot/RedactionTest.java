package dev.sherlock.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedactionTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "login with password=hunter2 ok        | login with password=(redacted) ok",
        "api_key: 'abc def'                    | api_key: (redacted)",
        "key AKIAIOSFODNN7EXAMPLE used         | key (redacted) used",
        "Authorization: Bearer abcdefghijklmn  | Authorization: (redacted)",
        "jwt eyJhbGciOi.eyJzdWIiOiIx.SflKxwRJSM | jwt (redacted)",
        "GET /mysfits 200 12 ms                | GET /mysfits 200 12 ms",
      })
  void secretsInTextAreReplaced(String line, String expected) {
    assertThat(Redaction.text(line)).isEqualTo(expected);
  }

  @Test
  void environmentPairsAndSecretKeysInJsonAreReplaced() throws Exception {
    var json =
        JsonMapper.builder()
            .build()
            .readTree(
                """
        {"environment": [{"name": "DB_PASSWORD", "value": "s3cr3t"}, {"name": "LOGLEVEL", "value": "DEBUG"}],
         "apiToken": "t0k3n", "lines": ["token=abc123 refused"], "name": "like-service"}""");

    String redacted = Redaction.json(json).toString();

    assertThat(redacted)
        .doesNotContain("s3cr3t", "t0k3n", "abc123")
        .contains("DEBUG", "like-service");
  }
}
