package dev.sherlock.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.sherlock.finding.Finding;
import dev.sherlock.finding.FindingKind;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store keeps findings across reopening, pages them, and prunes old ones. */
class SqliteStoreTest {
  @TempDir Path dir;

  @Test
  void drainingSurvivesReopeningAndIsRecordedOnce() {
    Path file = dir.resolve("sherlock.db");
    try (SqliteStore store = new SqliteStore(file)) {
      assertThat(store.draining()).isFalse();
      store.saveDraining();
      store.saveDraining();
    }
    try (SqliteStore store = new SqliteStore(file)) {
      assertThat(store.draining()).isTrue();
    }
  }

  @Test
  void findingsSurviveReopeningArePagedNewestFirstAndPruned() {
    Path file = dir.resolve("sherlock.db");
    try (SqliteStore store = new SqliteStore(file)) {
      for (int i = 0; i < 5; i++) {
        store.append(finding("f" + i, Instant.parse("2026-11-2%dT00:00:00Z".formatted(i))));
      }
    }
    try (SqliteStore store = new SqliteStore(file)) {
      var first = store.query(FindingStore.Query.all(2));
      var next =
          store.query(
              new FindingStore.Query(
                  Optional.empty(),
                  Optional.empty(),
                  Optional.empty(),
                  Optional.empty(),
                  Optional.empty(),
                  Optional.of(first.getLast().id()),
                  2));

      assertThat(first).extracting(Finding::id).containsExactly("f4", "f3");
      assertThat(next).extracting(Finding::id).containsExactly("f2", "f1");
      assertThat(store.prune(Instant.parse("2026-11-22T00:00:00Z"))).isEqualTo(2);
      assertThat(store.query(FindingStore.Query.all(10)))
          .extracting(Finding::id)
          .containsExactly("f4", "f3", "f2");
      assertThat(store.finding("f3"))
          .hasValueSatisfying(f -> assertThat(f.evidence().path("n").asInt()).isEqualTo(3));
    }
  }

  private static Finding finding(String id, Instant time) {
    return new Finding(
        id,
        time,
        FindingKind.Snapshot,
        Optional.of("mysfits"),
        Optional.of("like-service"),
        Optional.empty(),
        Optional.empty(),
        "snapshot " + id,
        JsonNodeFactory.instance.objectNode().put("n", Integer.parseInt(id.substring(1))));
  }
}
