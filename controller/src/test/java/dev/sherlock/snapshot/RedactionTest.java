package dev.sherlock.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sherlock.RepoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class RedactionTest {
  /** One line of hostile/secrets.txt. */
  record Form(String text, String secret) {
    @Override
    public String toString() {
      return text.replace("\n", "\\n");
    }
  }

  static Stream<Form> forms(String verdict) throws IOException {
    List<Form> forms = new ArrayList<>();
    for (String line :
        Files.readAllLines(
            RepoFiles.root().resolve("controller/src/test/resources/hostile/secrets.txt"))) {
      String[] fields = line.split(" \\| ");
      if (line.startsWith("#") || !fields[0].equals(verdict)) {
        continue;
      }
      forms.add(new Form(fields[1].replace("\\n", "\n"), fields.length > 2 ? fields[2] : ""));
    }
    return forms.stream();
  }

  static Stream<Form> secrets() throws IOException {
    return forms("redact");
  }

  static Stream<Form> lookAlikes() throws IOException {
    return forms("keep");
  }

  @Test
  void theCorpusIsLargeEnough() throws IOException {
    assertThat(secrets()).hasSizeGreaterThanOrEqualTo(30);
    assertThat(lookAlikes()).hasSizeGreaterThanOrEqualTo(30);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("secrets")
  void everySecretFormIsRedacted(Form form) {
    String redacted = Redaction.text(form.text());

    assertThat(redacted).doesNotContain(form.secret()).contains(Redaction.REDACTED);
    String before = form.text().substring(0, form.text().indexOf(form.secret()));
    if (!before.contains("-----BEGIN")) { // a private key goes with its header
      assertThat(redacted)
          .as("the text before the secret is kept")
          .startsWith(before.replaceAll("[\\s\"']+$", ""));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("lookAlikes")
  void harmlessLookAlikesSurvive(Form form) {
    assertThat(Redaction.text(form.text())).isEqualTo(form.text());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("secrets")
  void secretsInsideJsonStringsAreRedactedToo(Form form) throws Exception {
    var json = JsonMapper.builder().build().createObjectNode().put("message", form.text());

    assertThat(Redaction.json(json).toString()).doesNotContain(form.secret());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "login with password=hunter2 ok        | login with password=(redacted) ok",
        "api_key: 'abc def'                    | api_key: (redacted)",
        "key AKIAIOSFODNN7EXAMPLE used         | key (redacted) used",
        "Authorization: Bearer abcdefghijklmn  | Authorization: Bearer (redacted)",
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
