package dev.sherlock.workbench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sherlock.RepoFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The runnable jar as users get it through {@code ./sherlock}: a separate JVM, the schemas and
 * Micronaut's metadata inside the shaded jar, exit codes and output as documented.
 */
class SherlockJarIT {
  private static final Path JAR = RepoFiles.root().resolve("workbench/target/sherlock.jar");

  record Result(int exitCode, String out, String err) {}

  @Test
  void validatesTheExamplePolicies() throws Exception {
    Result result = sherlock("validate", "policies/");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).isEqualTo("valid: 6 policies, 1 session\n");
    assertThat(result.err()).isEmpty();
  }

  @Test
  void reportsBrokenPoliciesCompilerStyle() throws Exception {
    Result result =
        sherlock("validate", "controller/src/test/resources/broken-policies/bad-glob.yaml");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .startsWith(
            "controller/src/test/resources/broken-policies/bad-glob.yaml:8:16: error: spec.target.services[0]: bad glob");
  }

  @Test
  void plansAgainstTheExampleState() throws Exception {
    Result result = sherlock("plan", "policies/", "--state", "policies/state/mysfits.json");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .contains("~ container like-service: environment LOGLEVEL: \"ERROR\" -> \"DEBUG\"");
  }

  private static Result sherlock(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile("sherlock", ".out");
    Path err = Files.createTempFile("sherlock", ".err");
    Process process =
        new ProcessBuilder(command)
            .directory(RepoFiles.root().toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("sherlock " + String.join(" ", args) + " did not finish");
    }
    return new Result(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
