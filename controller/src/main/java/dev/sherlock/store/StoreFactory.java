package dev.sherlock.store;

import dev.sherlock.UserError;
import dev.sherlock.config.SherlockConfig;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The DynamoDB store, when {@code sherlock.store.kind} is {@code dynamodb} (SQLite otherwise). */
@Factory
@Requires(property = "sherlock.store.kind", value = "dynamodb")
final class StoreFactory {
  @Singleton
  DynamoDbStore dynamoDbStore(DynamoDbClient dynamo, SherlockConfig config, Clock clock) {
    DynamoDbTables tables = new DynamoDbTables(config.store().table());
    List<String> missing = tables.missing(dynamo);
    if (!missing.isEmpty()) {
      throw new UserError(
          "the store's DynamoDB tables %s do not exist; run `sherlock install --store dynamodb --table %s`"
              .formatted(String.join(", ", missing), tables.prefix()));
    }
    return new DynamoDbStore(dynamo, tables, clock, config.findingsRetention());
  }
}
