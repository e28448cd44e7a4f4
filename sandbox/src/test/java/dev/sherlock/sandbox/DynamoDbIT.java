package dev.sherlock.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sherlock.sandbox.faults.FaultInjector;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryStatus;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/** DynamoDB (dynalite) on the sandbox's one endpoint, through the real SDK client. */
class DynamoDbIT {
  private SandboxClients aws;

  @BeforeEach
  void start() {
    aws = new SandboxClients();
  }

  @AfterEach
  void stop() {
    aws.close();
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private void createTable(String name) {
    aws.dynamoDb.createTable(
        b ->
            b.tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                    a -> a.attributeName("id").attributeType(ScalarAttributeType.S),
                    a -> a.attributeName("service").attributeType(ScalarAttributeType.S),
                    a -> a.attributeName("at").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                .globalSecondaryIndexes(
                    g ->
                        g.indexName("by-service")
                            .keySchema(
                                k -> k.attributeName("service").keyType(KeyType.HASH),
                                k -> k.attributeName("at").keyType(KeyType.RANGE))
                            .projection(p -> p.projectionType(ProjectionType.ALL))));
    aws.dynamoDb
        .waiter()
        .waitUntilTableExists(
            b -> b.tableName(name),
            w -> w.backoffStrategy(FixedDelayBackoffStrategy.create(Duration.ofMillis(100))));
  }

  @Test
  void tablesConditionalWritesAndIndexesBehaveAsDynamoDb() {
    createTable("items");
    aws.dynamoDb.putItem(
        b ->
            b.tableName("items")
                .item(Map.of("id", s("a"), "service", s("web"), "at", s("2"), "state", s("ON")))
                .conditionExpression("attribute_not_exists(id)"));
    assertThatThrownBy(
            () ->
                aws.dynamoDb.putItem(
                    b ->
                        b.tableName("items")
                            .item(Map.of("id", s("a"), "service", s("web"), "at", s("3")))
                            .conditionExpression("attribute_not_exists(id)")))
        .isInstanceOf(ConditionalCheckFailedException.class);
    aws.dynamoDb.putItem(
        b -> b.tableName("items").item(Map.of("id", s("b"), "service", s("web"), "at", s("1"))));

    var newestFirst =
        aws.dynamoDb.query(
            b ->
                b.tableName("items")
                    .indexName("by-service")
                    .keyConditionExpression("service = :s")
                    .expressionAttributeValues(Map.of(":s", s("web")))
                    .scanIndexForward(false));

    assertThat(newestFirst.items()).extracting(i -> i.get("id").s()).containsExactly("a", "b");
    assertThat(aws.sandbox.calls().count("dynamodb", "PutItem", "ok")).isEqualTo(2);
    assertThat(aws.sandbox.calls().count("dynamodb", "PutItem", "ConditionalCheckFailedException"))
        .isEqualTo(1);
  }

  @Test
  void timeToLiveAndPointInTimeRecoveryAreKeptPerTable() {
    createTable("findings");
    aws.dynamoDb.updateTimeToLive(
        b ->
            b.tableName("findings")
                .timeToLiveSpecification(t -> t.enabled(true).attributeName("expiresAt")));
    aws.dynamoDb.updateContinuousBackups(
        b ->
            b.tableName("findings")
                .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)));

    var ttl = aws.dynamoDb.describeTimeToLive(b -> b.tableName("findings"));
    var backups = aws.dynamoDb.describeContinuousBackups(b -> b.tableName("findings"));

    assertThat(ttl.timeToLiveDescription().timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
    assertThat(ttl.timeToLiveDescription().attributeName()).isEqualTo("expiresAt");
    assertThat(
            backups
                .continuousBackupsDescription()
                .pointInTimeRecoveryDescription()
                .pointInTimeRecoveryStatus())
        .isEqualTo(PointInTimeRecoveryStatus.ENABLED);
    assertThatThrownBy(() -> aws.dynamoDb.describeTimeToLive(b -> b.tableName("missing")))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void throttlingIsDynamoDbsOwnAndCounted() {
    createTable("items");
    aws.sandbox
        .faults()
        .inject("dynamodb.GetItem", new FaultInjector.Faults(1.0, 0, Duration.ZERO));
    try (DynamoDbClient once = aws.dynamoDbWithoutRetries()) {
      assertThatThrownBy(() -> once.getItem(b -> b.tableName("items").key(Map.of("id", s("a")))))
          .isInstanceOfSatisfying(
              DynamoDbException.class, e -> assertThat(e.isThrottlingException()).isTrue());
    }
    assertThat(aws.sandbox.calls().count("dynamodb", "GetItem", "ThrottlingException"))
        .isEqualTo(1);
  }
}
