package dev.sherlock.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ContinuousBackupsUnavailableException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * The three tables of the shared store, named from one prefix: {@code PREFIX-sessions}, {@code
 * PREFIX-findings} and {@code PREFIX-state} (capacity changes, ECS Exec settings, revisions,
 * fleets, leases). On-demand capacity, point-in-time recovery on, findings expire by time to live.
 * Every index is a string hash key and a string range key that sorts by time.
 */
public record DynamoDbTables(String prefix) {
  static final String ORDER = "order";
  static final String EXPIRES_AT = "expiresAt";

  public String sessions() {
    return prefix + "-sessions";
  }

  public String findings() {
    return prefix + "-findings";
  }

  public String state() {
    return prefix + "-state";
  }

  public List<String> all() {
    return List.of(sessions(), findings(), state());
  }

  /**
   * One table: its key, the hash keys of its indexes ({@code by-<hash key>}), each ranged by {@code
   * order}, and whether its items expire by time to live ({@code expiresAt}).
   */
  public record Table(String name, String key, List<String> indexHashKeys, boolean expires) {}

  /** The tables as they are created (and as the CloudFormation template declares them). */
  public List<Table> layout() {
    return List.of(
        new Table(sessions(), "id", List.of("serviceArn", "all", "active"), false),
        new Table(findings(), "id", List.of("day", "service", "kind"), true),
        new Table(state(), "pk", List.of("group"), true));
  }

  static String index(String hashKey) {
    return "by-" + hashKey;
  }

  /**
   * Creates whichever tables are missing and waits until they are active, then sets time to live
   * and point-in-time recovery: what {@code sherlock install} does, safe to repeat.
   *
   * @return the tables it created
   */
  public List<String> create(DynamoDbClient dynamo) {
    List<String> created = new ArrayList<>();
    for (Table table : layout()) {
      List<AttributeDefinition> attributes = new ArrayList<>();
      attributes.add(string(table.key()));
      attributes.add(string(ORDER));
      List<GlobalSecondaryIndex> indexes = new ArrayList<>();
      for (String hashKey : table.indexHashKeys()) {
        attributes.add(string(hashKey));
        indexes.add(
            GlobalSecondaryIndex.builder()
                .indexName(index(hashKey))
                .keySchema(key(hashKey, KeyType.HASH), key(ORDER, KeyType.RANGE))
                .projection(p -> p.projectionType(ProjectionType.ALL))
                .build());
      }
      try {
        dynamo.createTable(
            b ->
                b.tableName(table.name())
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(attributes)
                    .keySchema(key(table.key(), KeyType.HASH))
                    .globalSecondaryIndexes(indexes));
        created.add(table.name());
      } catch (ResourceInUseException e) {
        // there already: install is repeatable
      }
    }
    for (Table table : layout()) {
      dynamo.waiter().waitUntilTableExists(b -> b.tableName(table.name()), DynamoDbTables::poll);
      enableRecovery(dynamo, table.name());
      if (table.expires()) {
        enableTimeToLive(dynamo, table.name());
      }
    }
    return created;
  }

  /** Time to live on {@code expiresAt}, set where it is not yet: tables of an older install too. */
  private static void enableTimeToLive(DynamoDbClient dynamo, String table) {
    TimeToLiveStatus ttl =
        dynamo
            .describeTimeToLive(b -> b.tableName(table))
            .timeToLiveDescription()
            .timeToLiveStatus();
    if (ttl != TimeToLiveStatus.ENABLED && ttl != TimeToLiveStatus.ENABLING) {
      dynamo.updateTimeToLive(
          b ->
              b.tableName(table)
                  .timeToLiveSpecification(t -> t.enabled(true).attributeName(EXPIRES_AT)));
    }
  }

  /**
   * Point-in-time recovery, which DynamoDB refuses for a while after a table turns active
   * (ContinuousBackupsUnavailableException): asked again, a few seconds apart, for up to a minute.
   */
  private static void enableRecovery(DynamoDbClient dynamo, String table) {
    for (int attempt = 1; ; attempt++) {
      try {
        dynamo.updateContinuousBackups(
            b ->
                b.tableName(table)
                    .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)));
        return;
      } catch (ContinuousBackupsUnavailableException e) {
        if (attempt == 20) {
          throw e;
        }
        try {
          Thread.sleep(3000); // DynamoDB's own pace: a backoff, not a wait for a state we can poll
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** Whether every table is there: what {@code sherlock run --store dynamodb} checks first. */
  public List<String> missing(DynamoDbClient dynamo) {
    List<String> missing = new ArrayList<>();
    for (String table : all()) {
      try {
        dynamo.describeTable(b -> b.tableName(table));
      } catch (ResourceNotFoundException e) {
        missing.add(table);
      }
    }
    return missing;
  }

  /**
   * Deletes the tables and everything in them: {@code sherlock uninstall --delete-data} only.
   *
   * @return the tables it deleted
   */
  public List<String> delete(DynamoDbClient dynamo) {
    List<String> deleted = new ArrayList<>();
    for (String table : all()) {
      try {
        dynamo.deleteTable(b -> b.tableName(table));
        deleted.add(table);
      } catch (ResourceNotFoundException e) {
        // gone already
      }
    }
    for (String table : deleted) {
      dynamo.waiter().waitUntilTableNotExists(b -> b.tableName(table), DynamoDbTables::poll);
    }
    return deleted;
  }

  /** The SDK's table waiters look every 20 s; an on-demand table changes within seconds. */
  private static void poll(WaiterOverrideConfiguration.Builder waiter) {
    waiter
        .backoffStrategy(FixedDelayBackoffStrategy.create(Duration.ofMillis(500)))
        .maxAttempts(240);
  }

  private static AttributeDefinition string(String name) {
    return AttributeDefinition.builder()
        .attributeName(name)
        .attributeType(ScalarAttributeType.S)
        .build();
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }
}
