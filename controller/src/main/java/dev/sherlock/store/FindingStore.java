package dev.sherlock.store;

import dev.sherlock.finding.Finding;
import dev.sherlock.finding.FindingKind;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where findings are kept, and how they are found again. */
public interface FindingStore {
  void append(Finding finding);

  /** A query; every filter is optional. Results are newest first, after the cursor if given. */
  record Query(
      Optional<String> cluster,
      Optional<String> service,
      Optional<String> policy,
      Optional<FindingKind> kind,
      Optional<Instant> since,
      Optional<String> before,
      int limit) {
    public static Query all(int limit) {
      return new Query(
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          limit);
    }
  }

  List<Finding> query(Query query);

  Optional<Finding> finding(String id);

  /** Deletes findings older than {@code before}; returns how many. */
  int prune(Instant before);
}
