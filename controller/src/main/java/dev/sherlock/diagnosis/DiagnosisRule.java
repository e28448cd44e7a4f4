package dev.sherlock.diagnosis;

import java.util.Optional;

/**
 * One kind of cause and how to recognise it in a snapshot. A rule that does not apply says nothing:
 * no rule names a cause without evidence for it in what the snapshot holds.
 */
public interface DiagnosisRule {
  Optional<Cause> examine(Evidence evidence);
}
