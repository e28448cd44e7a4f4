package dev.sherlock.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sherlock.RepoFiles;
import dev.sherlock.policy.load.Diagnostic;
import dev.sherlock.policy.load.PolicyLoader;
import dev.sherlock.policy.load.PolicySet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated copies of the example policies - characters dropped and inserted, lines duplicated,
 * swapped and cut, numbers replaced by extremes - as a pull request could send them. The loader
 * never throws, and every problem is one {@code file:line:column: error: message} line. The seed is
 * fixed: a failure reproduces.
 */
class PolicyMutationTest {
  private static final int MUTANTS_PER_FILE = 250;
  private static final Pattern ERROR_LINE = Pattern.compile("^.+:\\d+:\\d+: error: [^\\n]+$");
  private static final String NOISE = " :-[]{}&*!|>'\"#\n\t0a,?%@`";
  private static final List<String> EXTREMES =
      List.of(
          "-1",
          "0",
          "1.0e-400",
          "1e999",
          "99999999999999999999",
          "0x10",
          "NaN",
          "~",
          "''",
          "1_000");

  @TempDir Path dir;

  @Test
  void mutatedPoliciesGiveCompilerStyleErrorsNeverAnException() throws IOException {
    Random random = new Random(20261201);
    List<Path> examples;
    try (var files = Files.list(RepoFiles.policies())) {
      examples = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(examples).isNotEmpty();
    int mutants = 0;
    int rejected = 0;
    for (Path example : examples) {
      String text = Files.readString(example, StandardCharsets.UTF_8);
      for (int i = 0; i < MUTANTS_PER_FILE; i++) {
        Path mutant = dir.resolve("mutant-%d.yaml".formatted(mutants++));
        Files.writeString(mutant, mutate(text, random), StandardCharsets.UTF_8);

        PolicySet set = new PolicyLoader().load(List.of(mutant));

        for (Diagnostic problem : set.problems()) {
          assertThat(problem.format()).as("%s of %s", mutant, example).matches(ERROR_LINE);
          assertThat(problem.line()).isPositive();
          assertThat(problem.column()).isPositive();
        }
        rejected += set.isValid() ? 0 : 1;
        Files.delete(mutant);
      }
    }
    assertThat(rejected).as("most mutants are broken").isGreaterThan(mutants / 2);
  }

  private static String mutate(String text, Random random) {
    String out = text;
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits; e++) {
      List<String> lines = new ArrayList<>(List.of(out.split("\n", -1)));
      int at = random.nextInt(Math.max(1, out.length()));
      int line = random.nextInt(lines.size());
      out =
          switch (random.nextInt(7)) {
            case 0 -> out.substring(0, at) + out.substring(Math.min(out.length(), at + 1));
            case 1 ->
                out.substring(0, at)
                    + NOISE.charAt(random.nextInt(NOISE.length()))
                    + out.substring(at);
            case 2 -> {
              lines.add(line, lines.get(line));
              yield String.join("\n", lines);
            }
            case 3 -> {
              lines.remove(line);
              yield String.join("\n", lines);
            }
            case 4 -> {
              int other = random.nextInt(lines.size());
              String swap = lines.get(line);
              lines.set(line, lines.get(other));
              lines.set(other, swap);
              yield String.join("\n", lines);
            }
            case 5 -> out.replaceFirst("\\b\\d+\\b", EXTREMES.get(random.nextInt(EXTREMES.size())));
            default -> out.substring(0, at);
          };
    }
    return out;
  }
}
