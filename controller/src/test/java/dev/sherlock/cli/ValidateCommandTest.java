package dev.sherlock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sherlock.CommandLineRun;
import dev.sherlock.RepoFiles;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A platform team runs {@code sherlock validate} in CI: good policies pass, and each defect in a
 * broken one is reported once, compiler style, on the line to fix.
 */
class ValidateCommandTest {
  private static final Pattern ERROR_LINE = Pattern.compile("^(.+):(\\d+):(\\d+): error: (.+)$");
  private static final Pattern MARKER = Pattern.compile("# expect: (.+)$");

  /** A defect a broken file declares: its file name, line and words of the message. */
  record Expected(String file, int line, String words) {}

  record Reported(String file, int line, int column, String message) {}

  @Test
  void theExamplePoliciesAreValid() {
    CommandLineRun run = CommandLineRun.of("validate", RepoFiles.policies().toString());

    assertThat(run.exitCode()).as(run.out()).isZero();
    assertThat(run.outLines()).containsExactly("valid: 6 policies, 1 session");
  }

  @Test
  void eachDefectIsReportedOnceOnItsLine() throws Exception {
    Path dir = brokenPolicies();
    List<Expected> expected = markers(dir);

    CommandLineRun run = CommandLineRun.of("validate", dir.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    List<Reported> reported = reported(run);
    assertThat(reported).hasSameSizeAs(expected);
    for (Expected defect : expected) {
      assertThat(reported)
          .as("the defect marked at %s:%d", defect.file(), defect.line())
          .filteredOn(r -> r.file().equals(defect.file()) && r.line() == defect.line())
          .singleElement()
          .satisfies(r -> assertThat(r.message()).contains(defect.words()));
    }
    assertThat(run.outLines().getLast())
        .isEqualTo(
            "%d errors in %d files (valid: 1 policy, 1 session)"
                .formatted(
                    expected.size(), expected.stream().map(Expected::file).distinct().count()));
  }

  @Test
  void jsonOutputCarriesTheSameProblems() throws Exception {
    Path dir = brokenPolicies();

    CommandLineRun text = CommandLineRun.of("validate", dir.toString());
    CommandLineRun json = CommandLineRun.of("validate", "--output", "json", dir.toString());

    assertThat(json.exitCode()).isEqualTo(1);
    JsonNode report = JsonMapper.builder().build().readTree(json.out());
    assertThat(report.path("valid").asBoolean()).isFalse();
    List<String> fromJson = new ArrayList<>();
    report
        .path("problems")
        .forEach(
            p ->
                fromJson.add(
                    "%s:%d:%d: error: %s"
                        .formatted(
                            p.path("file").asText(),
                            p.path("line").asInt(),
                            p.path("column").asInt(),
                            p.path("message").asText())));
    assertThat(fromJson).containsExactlyElementsOf(text.outLines().subList(0, fromJson.size()));
    assertThat(report.path("documents"))
        .extracting(d -> d.path("name").asText())
        .containsExactlyInAnyOrder("reference-policy", "inc-3");
  }

  @Test
  void aMissingPathIsAnErrorNotACrash() {
    CommandLineRun run = CommandLineRun.of("validate", "no/such/dir");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.outLines())
        .first()
        .isEqualTo("no/such/dir:1:1: error: no such file or directory");
  }

  @Test
  void oneBadDocumentDoesNotHideTheGoodOnesInTheSameFile() throws Exception {
    CommandLineRun run =
        CommandLineRun.of(
            "validate",
            "--output",
            "json",
            brokenPolicies().resolve("00-reference.yaml").toString(),
            brokenPolicies().resolve("second-document.yaml").toString());

    JsonNode report = JsonMapper.builder().build().readTree(run.out());
    assertThat(report.path("documents"))
        .extracting(d -> d.path("name").asText())
        .containsExactly("reference-policy", "inc-3");
    assertThat(report.path("problems")).hasSize(1);
  }

  static Path brokenPolicies() throws URISyntaxException {
    return Path.of(ValidateCommandTest.class.getResource("/broken-policies").toURI());
  }

  private static List<Expected> markers(Path dir) throws IOException {
    List<Expected> expected = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
          Matcher m = MARKER.matcher(lines.get(i));
          if (m.find()) {
            expected.add(new Expected(file.getFileName().toString(), i + 1, m.group(1).strip()));
          }
        }
      }
    }
    return expected;
  }

  private static List<Reported> reported(CommandLineRun run) {
    List<Reported> reported = new ArrayList<>();
    for (String line : run.outLines()) {
      Matcher m = ERROR_LINE.matcher(line);
      if (m.matches()) {
        reported.add(
            new Reported(
                Path.of(m.group(1)).getFileName().toString(),
                Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)),
                m.group(4)));
      }
    }
    return reported;
  }
}
