package dev.sherlock.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.sherlock.finding.Finding;
import dev.sherlock.finding.FindingKind;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store: the store contract, and everything kept across reopening the file. */
class SqliteStoreTest extends StoreContract {
  @TempDir Path dir;
  private SqliteStore store;

  private SqliteStore open() {
    if (store == null) {
      store = new SqliteStore(dir.resolve("sherlock.db"));
    }
    return store;
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  @Override
  SessionStore sessions() {
    return open();
  }

  @Override
  FindingStore findings() {
    return open();
  }

  @Test
  void sessionsDrainingAndFindingsSurviveReopening() {
    Path file = dir.resolve("kept.db");
    try (SqliteStore first = new SqliteStore(file)) {
      first.save(session("s1", WEB, NOW));
      first.saveDraining();
      first.append(
          new Finding(
              "f1",
              NOW,
              FindingKind.Snapshot,
              Optional.of("shop"),
              Optional.of("web"),
              Optional.empty(),
              Optional.empty(),
              "snapshot",
              JsonNodeFactory.instance.objectNode()));
    }
    try (SqliteStore again = new SqliteStore(file)) {
      assertThat(again.active()).extracting(s -> s.id()).containsExactly("s1");
      assertThat(again.draining()).isTrue();
      assertThat(again.finding("f1")).isPresent();
    }
  }
}
