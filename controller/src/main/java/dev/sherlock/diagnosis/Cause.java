package dev.sherlock.diagnosis;

import java.util.List;

/**
 * A probable cause, as a responder would write it down: what, how sure, the evidence lines that
 * support it (each naming the snapshot part it comes from), and the next step to take.
 *
 * @param confidence from 0 to 1: how much of what this cause would leave behind was found
 */
public record Cause(
    String rule, String title, double confidence, List<Support> evidence, String nextStep) {
  public Cause {
    evidence = List.copyOf(evidence);
    confidence = Math.max(0, Math.min(1, confidence));
  }

  /** One line of evidence and the part of the snapshot (or the task definition) it is from. */
  public record Support(String part, String text) {}
}
