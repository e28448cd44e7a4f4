package dev.sherlock.sandbox;

import java.time.Instant;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.xray.XRayClient;

/**
 * A sandbox on a virtual clock and the real AWS SDK v2 clients pointed at it - nothing but an
 * endpoint override, as a user would configure them. Retries are off so tests see each error.
 */
public final class SandboxClients implements AutoCloseable {
  public static final Instant START = Instant.parse("2026-11-20T09:00:00Z");

  public final Sandbox sandbox;
  public final EcsClient ecs;
  public final EventBridgeClient events;
  public final SqsClient sqs;
  public final CloudWatchClient cloudWatch;
  public final CloudWatchLogsClient logs;
  public final ApplicationAutoScalingClient autoScaling;
  public final DynamoDbClient dynamoDb;
  public final XRayClient xray;

  public SandboxClients() {
    this(Sandbox.builder().virtualClock(START).start());
  }

  /** Clients of a sandbox holding the Mysfits shop, its services already steady. */
  public static SandboxClients withMysfits() {
    SandboxClients aws = new SandboxClients();
    MysfitsWorld.seed(aws.sandbox);
    aws.sandbox.advance(java.time.Duration.ofSeconds(30));
    return aws;
  }

  public SandboxClients(Sandbox sandbox) {
    this.sandbox = sandbox;
    this.ecs = configure(EcsClient.builder()).build();
    this.events = configure(EventBridgeClient.builder()).build();
    this.sqs = configure(SqsClient.builder()).build();
    this.cloudWatch = configure(CloudWatchClient.builder()).build();
    this.logs = configure(CloudWatchLogsClient.builder()).build();
    this.autoScaling = configure(ApplicationAutoScalingClient.builder()).build();
    this.dynamoDb = configure(DynamoDbClient.builder()).build();
    this.xray = configure(XRayClient.builder()).build();
  }

  private <B extends AwsClientBuilder<B, ?> & SdkSyncClientBuilder<B, ?>> B configure(B builder) {
    return builder
        .endpointOverride(sandbox.endpoint())
        .region(Region.of(sandbox.region()))
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.builder().build());
  }

  /** A client configuration that never retries, to see an error as the first attempt gets it. */
  public static ClientOverrideConfiguration noRetries() {
    return ClientOverrideConfiguration.builder().retryStrategy(b -> b.maxAttempts(1)).build();
  }

  /** An ECS client without retries. */
  public EcsClient ecsWithoutRetries() {
    return configure(EcsClient.builder()).overrideConfiguration(noRetries()).build();
  }

  /** A DynamoDB client without retries. */
  public DynamoDbClient dynamoDbWithoutRetries() {
    return configure(DynamoDbClient.builder()).overrideConfiguration(noRetries()).build();
  }

  @Override
  public void close() {
    ecs.close();
    events.close();
    sqs.close();
    cloudWatch.close();
    logs.close();
    dynamoDb.close();
    xray.close();
    autoScaling.close();
    sandbox.close();
  }
}
