package dev.sherlock.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sherlock.sandbox.Sandbox;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryStatus;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * The shared store: the store contract against DynamoDB - the sandbox's, through the real SDK
 * client - on tables {@code sherlock install} creates; each test on tables of its own.
 */
class DynamoDbStoreIT extends StoreContract {
  private static final AtomicInteger TABLES = new AtomicInteger();
  private static Sandbox sandbox;
  private static DynamoDbClient dynamo;
  private DynamoDbTables tables;
  private DynamoDbStore store;

  @BeforeAll
  static void start() {
    sandbox = Sandbox.builder().virtualClock(NOW).start();
    dynamo = TestDynamoDb.client(sandbox);
  }

  @AfterAll
  static void stop() {
    dynamo.close();
    sandbox.close();
  }

  @BeforeEach
  void createTables() {
    tables = new DynamoDbTables("t" + TABLES.incrementAndGet());
    assertThat(tables.create(dynamo)).containsExactlyElementsOf(tables.all());
    store = new DynamoDbStore(dynamo, tables, CLOCK, RETENTION);
  }

  @Override
  SessionStore sessions() {
    return store;
  }

  @Override
  FindingStore findings() {
    return store;
  }

  @Test
  void installCreatesTablesWithRecoveryAndRetentionAndIsRepeatable() {
    assertThat(tables.create(dynamo)).isEmpty();
    assertThat(tables.missing(dynamo)).isEmpty();
    for (String table : tables.all()) {
      assertThat(
              dynamo
                  .describeContinuousBackups(b -> b.tableName(table))
                  .continuousBackupsDescription()
                  .pointInTimeRecoveryDescription()
                  .pointInTimeRecoveryStatus())
          .isEqualTo(PointInTimeRecoveryStatus.ENABLED);
    }
    for (String table : List.of(tables.findings(), tables.state())) {
      var ttl = dynamo.describeTimeToLive(b -> b.tableName(table)).timeToLiveDescription();
      assertThat(ttl.timeToLiveStatus()).as(table).isEqualTo(TimeToLiveStatus.ENABLED);
      assertThat(ttl.attributeName()).as(table).isEqualTo("expiresAt");
    }
    assertThat(
            dynamo
                .describeTimeToLive(b -> b.tableName(tables.sessions()))
                .timeToLiveDescription()
                .timeToLiveStatus())
        .as("sessions are kept")
        .isEqualTo(TimeToLiveStatus.DISABLED);

    assertThat(tables.delete(dynamo)).containsExactlyElementsOf(tables.all());
    assertThat(tables.missing(dynamo)).containsExactlyElementsOf(tables.all());
  }
}
