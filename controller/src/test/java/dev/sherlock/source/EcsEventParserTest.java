package dev.sherlock.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sherlock.RepoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The poison events of hostile/events.txt: each is what it says, and none throws. */
class EcsEventParserTest {
  private static final String CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/mysfits";
  private static final String SERVICE =
      "arn:aws:ecs:us-east-1:123456789012:service/mysfits/like-service";

  record Poison(String outcome, String why, String body) {
    @Override
    public String toString() {
      return outcome + ": " + why;
    }
  }

  static Stream<Poison> corpus() throws IOException {
    List<Poison> poisons = new ArrayList<>();
    for (String line :
        Files.readAllLines(
            RepoFiles.root().resolve("controller/src/test/resources/hostile/events.txt"))) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      String[] fields = line.split(" \\| ", 3);
      poisons.add(
          new Poison(
              fields[0],
              fields[1],
              fields[2]
                  .replace("\"CLUSTER\"", "\"" + CLUSTER + "\"")
                  .replace("\"SERVICE\"", "\"" + SERVICE + "\"")));
    }
    return poisons.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void eachPoisonIsWhatItSaysAndNothingThrows(Poison poison) {
    EcsEventParser.Result result = new EcsEventParser().parse(poison.body());

    switch (poison.outcome()) {
      case "malformed" ->
          assertThat(result)
              .isInstanceOfSatisfying(
                  EcsEventParser.Result.Malformed.class,
                  m -> assertThat(m.why()).contains(poison.why()));
      case "ignored" ->
          assertThat(result)
              .isInstanceOfSatisfying(
                  EcsEventParser.Result.Ignored.class,
                  i -> assertThat(i.why()).contains(poison.why()));
      case "parsed" ->
          assertThat(result)
              .isInstanceOfSatisfying(
                  EcsEventParser.Result.Parsed.class,
                  p -> assertThat(p.event().serviceArn()).isEqualTo(SERVICE));
      default -> throw new AssertionError("unknown outcome " + poison.outcome());
    }
  }
}
