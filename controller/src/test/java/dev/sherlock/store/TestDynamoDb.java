package dev.sherlock.store;

import dev.sherlock.sandbox.Sandbox;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The real DynamoDB client pointed at a sandbox, as a user would configure it. */
public final class TestDynamoDb {
  private TestDynamoDb() {}

  public static DynamoDbClient client(Sandbox sandbox) {
    return DynamoDbClient.builder()
        .endpointOverride(sandbox.endpoint())
        .region(Region.of(sandbox.region()))
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .build();
  }
}
