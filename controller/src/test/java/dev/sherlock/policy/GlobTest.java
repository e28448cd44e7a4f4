package dev.sherlock.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobTest {

  @ParameterizedTest
  @CsvSource({
    "like-*, like-service, true",
    "like-*, like-, true",
    "like-*, monolith, false",
    "*-service, like-service, true",
    "like-?ervice, like-service, true",
    "like-?ervice, like-sservice, false",
    "*, anything, true",
    "a*b*c, aXXbYYc, true",
    "a*b*c, aXXbYY, false",
    "exact, exact, true",
    "exact, exactly, false",
  })
  void matchesNames(String pattern, String name, boolean matches) {
    assertThat(Glob.of(pattern).matches(name)).isEqualTo(matches);
  }

  @ParameterizedTest
  @CsvSource({
    "mysfits-*, arn:aws:ecs:eu-west-1:123456789012:cluster/mysfits-prod, true",
    "mysfits, arn:aws:ecs:eu-west-1:123456789012:cluster/mysfits, true",
    "mysfits, arn:aws:ecs:eu-west-1:123456789012:cluster/mysfits-prod, false",
    "mysfits, mysfits, true",
    "arn:aws:ecs:*:123456789012:cluster/mysfits, arn:aws:ecs:eu-west-1:123456789012:cluster/mysfits, true",
    "arn:aws:ecs:*:999999999999:cluster/mysfits, arn:aws:ecs:eu-west-1:123456789012:cluster/mysfits, false",
  })
  void matchesClustersByNameOrArn(String pattern, String cluster, boolean matches) {
    assertThat(Glob.of(pattern).matchesNameOrArn(cluster)).isEqualTo(matches);
  }

  @ParameterizedTest
  @CsvSource({
    "'*****************************************b', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'"
  })
  void manyStarsDoNotBacktrackExponentially(String pattern, String name) {
    assertThat(Glob.of(pattern).matches(name)).isFalse();
  }
}
