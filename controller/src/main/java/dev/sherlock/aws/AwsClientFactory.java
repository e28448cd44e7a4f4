package dev.sherlock.aws;

import dev.sherlock.UserError;
import dev.sherlock.config.SherlockConfig;
import dev.sherlock.ha.Leadership;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.xray.XRayClient;

/**
 * The AWS SDK v2 clients, one per service, sharing one HTTP connection pool. Each honours {@code
 * sherlock.aws.region}, {@code sherlock.aws.profile} (else the default credential chain), {@code
 * sherlock.aws.endpoint} and {@code sherlock.aws.endpoints.<service>}: tests and the demo swap
 * endpoints, never classes.
 */
@Factory
public final class AwsClientFactory {
  private final SherlockConfig.Aws config;
  private final ApiBudgets budgets;
  private volatile Region region;

  private final CallCounter counter;

  public AwsClientFactory(SherlockConfig config, ApiBudgets budgets, CallCounter counter) {
    this.config = config.aws();
    this.budgets = budgets;
    this.counter = counter;
  }

  /** Where the credentials come from: the named profile, else the SDK's default chain. */
  @Singleton
  AwsCredentialsProvider credentials() {
    return config
        .profile()
        .<AwsCredentialsProvider>map(
            p -> ProfileCredentialsProvider.builder().profileName(p).build())
        .orElseGet(() -> DefaultCredentialsProvider.builder().build());
  }

  @Singleton
  @Bean(preDestroy = "close")
  SdkHttpClient httpClient() {
    return ApacheHttpClient.builder()
        .maxConnections(64)
        .connectionTimeout(Duration.ofSeconds(5))
        // SQS long polls for up to 20 s: the socket must wait longer than that.
        .socketTimeout(Duration.ofSeconds(35))
        .build();
  }

  @Singleton
  @Bean(preDestroy = "close")
  EcsClient ecs(SdkHttpClient http, AwsCredentialsProvider credentials, Leadership leadership) {
    return configure(EcsClient.builder(), "ecs", http, credentials, leadership).build();
  }

  @Singleton
  @Bean(preDestroy = "close")
  SqsClient sqs(SdkHttpClient http, AwsCredentialsProvider credentials) {
    return configure(SqsClient.builder(), "sqs", http, credentials).build();
  }

  @Singleton
  @Bean(preDestroy = "close")
  EventBridgeClient events(SdkHttpClient http, AwsCredentialsProvider credentials) {
    return configure(EventBridgeClient.builder(), "events", http, credentials).build();
  }

  @Singleton
  @Bean(preDestroy = "close")
  CloudWatchClient cloudWatch(SdkHttpClient http, AwsCredentialsProvider credentials) {
    return configure(CloudWatchClient.builder(), "monitoring", http, credentials).build();
  }

  @Singleton
  @Bean(preDestroy = "close")
  CloudWatchLogsClient logs(SdkHttpClient http, AwsCredentialsProvider credentials) {
    return configure(CloudWatchLogsClient.builder(), "logs", http, credentials).build();
  }

  @Singleton
  @Bean(preDestroy = "close")
  XRayClient xray(SdkHttpClient http, AwsCredentialsProvider credentials) {
    return configure(XRayClient.builder(), "xray", http, credentials).build();
  }

  @Singleton
  @Bean(preDestroy = "close")
  ApplicationAutoScalingClient autoScaling(
      SdkHttpClient http, AwsCredentialsProvider credentials, Leadership leadership) {
    return configure(
            ApplicationAutoScalingClient.builder(),
            "application-autoscaling",
            http,
            credentials,
            leadership)
        .build();
  }

  @Singleton
  @Bean(preDestroy = "close")
  DynamoDbClient dynamoDb(SdkHttpClient http, AwsCredentialsProvider credentials) {
    DynamoDbClientBuilder builder =
        configure(DynamoDbClient.builder(), "dynamodb", http, credentials);
    // The store's calls pass no AwsGuard: counted here, for /metrics and the least-privilege test.
    return builder
        .overrideConfiguration(
            builder.overrideConfiguration().toBuilder()
                .addExecutionInterceptor(counter.interceptor("dynamodb"))
                .build())
        .build();
  }

  /** The application id in the user agent of Sherlock's AWS calls: {@code app/sherlock}. */
  public static final String APP_ID = "sherlock";

  private <B extends AwsClientBuilder<B, ?> & SdkSyncClientBuilder<B, ?>> B configure(
      B builder, String service, SdkHttpClient http, AwsCredentialsProvider credentials) {
    return configure(builder, service, http, credentials, Fence.OPEN);
  }

  /** A client of a service Sherlock changes: each change's attempts pass {@code fence} too. */
  private <B extends AwsClientBuilder<B, ?> & SdkSyncClientBuilder<B, ?>> B configure(
      B builder,
      String service,
      SdkHttpClient http,
      AwsCredentialsProvider credentials,
      Fence fence) {
    builder.httpClient(http).credentialsProvider(credentials).region(region());
    config.endpointOf(service).ifPresent(builder::endpointOverride);
    // Five attempts in standard mode: backoff with jitter, the only retry layer (see AwsGuard).
    // Every attempt's answer teaches the budgets what AWS grants (ApiBudgets).
    builder.overrideConfiguration(
        ClientOverrideConfiguration.builder()
            // "app/sherlock" in every call's user agent: CloudTrail shows it, so whoever audits
            // the account - and `sherlock replay` of an export - tells Sherlock's calls from
            // people's.
            .appId(APP_ID)
            .retryStrategy(b -> b.maxAttempts(5))
            .addExecutionInterceptor(budgets.interceptor(service))
            .addExecutionInterceptor(Fence.lastMoment(fence))
            .addExecutionInterceptor(new NoBlindRetry())
            .build());
    return builder;
  }

  /**
   * The region: {@code sherlock.aws.region}, else the SDK's chain (AWS_REGION, the profile, the
   * instance's metadata). Resolved once; none at all is the user's to fix, in one line.
   */
  private Region region() {
    if (region == null) {
      region =
          config
              .region()
              .map(Region::of)
              .orElseGet(
                  () -> {
                    try {
                      return DefaultAwsRegionProviderChain.builder()
                          .profileName(config.profile().orElse(null))
                          .build()
                          .getRegion();
                    } catch (SdkClientException e) {
                      throw new UserError(
                          "no AWS region: pass --region, set AWS_REGION, or name one in the"
                              + " profile");
                    }
                  });
    }
    return region;
  }
}
