package dev.sherlock.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sherlock.CommandLineRun;
import dev.sherlock.policy.load.Diagnostic;
import dev.sherlock.policy.load.PolicyLoader;
import dev.sherlock.policy.load.PolicySet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Policy files come from any pull request. Whatever a file holds, validation ends quickly with one
 * clear error for it and never throws. (The timeout only guards against a hang; it measures
 * nothing.)
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HostileInputTest {
  @TempDir Path dir;

  @Test
  void bytesThatAreNotUtf8() throws IOException {
    byte[] bytes =
        "apiVersion: sherlock.dev/v1alpha1\nkind: \u0000".getBytes(StandardCharsets.UTF_8);
    bytes[bytes.length - 1] = (byte) 0xff;

    Diagnostic problem = onlyProblem(write("latin.yaml", bytes));

    assertThat(problem.format())
        .endsWith("latin.yaml:2:7: error: file is not UTF-8 text (byte 0xFF)");
  }

  @Test
  void textThatIsNotYaml() throws IOException {
    Diagnostic problem = onlyProblem(write("garbage.yaml", "key: [unclosed\n  - : }}}\n"));

    assertThat(problem.line()).isPositive();
    assertThat(problem.message()).startsWith("invalid YAML: ");
  }

  @Test
  void yamlThatIsNotAMapping() throws IOException {
    Diagnostic problem = onlyProblem(write("scalar.yaml", "just some words\n"));

    assertThat(problem.format())
        .endsWith(
            "scalar.yaml:1:1: error: expected a mapping with apiVersion, kind, metadata and spec");
  }

  @Test
  void anEmptyFileAndAFileOfComments() throws IOException {
    assertThat(onlyProblem(write("empty.yaml", "")).message())
        .isEqualTo("file is empty: expected a YAML document");
    assertThat(onlyProblem(write("comments.yaml", "# TODO\n---\n# later\n")).message())
        .isEqualTo("file is empty: expected a YAML document");
  }

  @Test
  void aTenMegabyteBlob() throws IOException {
    byte[] blob = "a: b\n".repeat(2 * 1024 * 1024).getBytes(StandardCharsets.UTF_8);

    Diagnostic problem = onlyProblem(write("blob.yaml", blob));

    assertThat(problem.format())
        .endsWith("blob.yaml:1:1: error: file is 10.0 MiB; policy files are limited to 1.0 MiB");
  }

  @Test
  void deepNesting() throws IOException {
    String flow = "[".repeat(20_000) + "]".repeat(20_000);
    String block = nestedMappings(500);

    assertThat(onlyProblem(write("flow.yaml", flow)).message()).contains("nested too deeply");
    assertThat(onlyProblem(write("block.yaml", block)).message()).contains("nested too deeply");
  }

  @Test
  void aBillionLaughs() throws IOException {
    StringBuilder bomb =
        new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i < 10; i++) {
      String previous = "*a" + (i - 1);
      bomb.append(
          "a%d: &a%d [%s]\n"
              .formatted(
                  i,
                  i,
                  String.join(
                      ", ",
                      List.of(
                          previous, previous, previous, previous, previous, previous, previous,
                          previous, previous))));
    }

    assertThat(onlyProblem(write("laughs.yaml", bomb.toString())).message())
        .contains("too many YAML aliases");
  }

  @Test
  void fewAliasesThatExpandExponentially() throws IOException {
    StringBuilder bomb = new StringBuilder("l0: &l0 [x, x]\n");
    for (int i = 1; i < 25; i++) {
      bomb.append("l%d: &l%d [*l%d, *l%d]\n".formatted(i, i, i - 1, i - 1));
    }

    assertThat(onlyProblem(write("doubling.yaml", bomb.toString())).message())
        .contains("more than 100000 nodes");
  }

  @Test
  void problemsOfAWholeFileAreAtLineOneColumnOne() throws IOException {
    assertThat(onlyProblem(write("empty.yaml", "")).format())
        .endsWith("empty.yaml:1:1: error: file is empty: expected a YAML document");
    assertThat(onlyProblem(write("deep.yaml", "[".repeat(100) + "]".repeat(100))).format())
        .endsWith("deep.yaml:1:1: error: YAML is nested too deeply (more than 64 levels)");
    assertThat(onlyProblem(write("alias.yaml", "a: &a [*a]\n")).format()).contains("alias.yaml:1:");
  }

  @Test
  void controlCharacters() throws IOException {
    Diagnostic problem = onlyProblem(write("nul.yaml", "kind: Debug\u0000Policy\n"));

    assertThat(problem.format()).contains("nul.yaml:1:12: error: invalid YAML: character U+0000");
  }

  @Test
  void theCommandLineReportsWithoutAStackTrace() throws IOException {
    Path bomb = write("bomb.yaml", "a: &a [*a]\n");

    CommandLineRun run = CommandLineRun.of("validate", bomb.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("bomb.yaml").doesNotContain("Exception", "\tat ");
    assertThat(run.err()).isEmpty();
  }

  private Diagnostic onlyProblem(Path file) {
    PolicySet set = new PolicyLoader().load(List.of(file));
    assertThat(set.documents()).isEmpty();
    assertThat(set.problems()).hasSize(1);
    return set.problems().getFirst();
  }

  private Path write(String name, String text) throws IOException {
    return write(name, text.getBytes(StandardCharsets.UTF_8));
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  private static String nestedMappings(int depth) {
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      yaml.append("  ".repeat(i)).append("k").append(i).append(":\n");
    }
    return yaml.append("  ".repeat(depth)).append("leaf\n").toString();
  }
}
