package dev.sherlock.diagnosis;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One kind of a failure that a rule tells apart by its wording (ECS's reason, a registry's answer),
 * with what it means and what to do about it.
 */
record Kind(Pattern pattern, String title, String nextStep) {
  /** The first kind whose pattern is found in {@code text}. */
  static Optional<Kind> first(List<Kind> kinds, String text) {
    return kinds.stream().filter(k -> k.pattern().matcher(text).find()).findFirst();
  }
}
