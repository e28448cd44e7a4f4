package dev.sherlock.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sherlock.sandbox.faults.FaultInjector;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.EcsException;

/** Budgets, injected faults and the call ledger, as the SDK experiences them. */
class FaultsIT {
  private SandboxClients aws;

  @BeforeEach
  void start() {
    aws = new SandboxClients();
    aws.ecs.createCluster(b -> b.clusterName("demo"));
  }

  @AfterEach
  void stop() {
    aws.close();
  }

  @Test
  void aTokenBucketThrottlesBeyondItsBurstAndRefillsWithTime() {
    aws.sandbox.faults().budget("ecs.RegisterTaskDefinition", new FaultInjector.Budget(20, 1));
    try (EcsClient ecs = aws.ecsWithoutRetries()) {
      for (int i = 0; i < 20; i++) {
        ecs.registerTaskDefinition(EcsIT.taskDefinition("web", "busybox:1"));
      }

      assertThatThrownBy(() -> ecs.registerTaskDefinition(EcsIT.taskDefinition("web", "busybox:1")))
          .isInstanceOfSatisfying(
              EcsException.class,
              e -> {
                assertThat(e.isThrottlingException()).isTrue();
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
              });
      aws.sandbox.advance(Duration.ofSeconds(2));
      ecs.registerTaskDefinition(EcsIT.taskDefinition("web", "busybox:1"));
    }

    assertThat(aws.sandbox.calls().count("ecs", "RegisterTaskDefinition", "ok")).isEqualTo(21);
    assertThat(aws.sandbox.calls().count("ecs", "RegisterTaskDefinition", "ThrottlingException"))
        .isEqualTo(1);
  }

  @Test
  void injectedServerErrorsAreRetriedByTheSdkAndCounted() {
    aws.sandbox
        .faults()
        .inject("ecs.ListClusters", new FaultInjector.Faults(0, 0.5, Duration.ZERO));

    for (int i = 0; i < 20; i++) {
      assertThat(aws.ecs.listClusters().clusterArns()).hasSize(1);
    }

    assertThat(aws.sandbox.calls().count("ecs", "ListClusters", "ok")).isEqualTo(20);
    assertThat(aws.sandbox.calls().count("ecs", "ListClusters", "ServerException")).isPositive();
  }

  @Test
  void cloudWatchThrottlingIsRecognisedAsThrottling() {
    aws.sandbox.faults().inject("monitoring", new FaultInjector.Faults(1.0, 0, Duration.ZERO));
    try (CloudWatchClient cloudWatch =
        CloudWatchClient.builder()
            .endpointOverride(aws.sandbox.endpoint())
            .region(software.amazon.awssdk.regions.Region.US_EAST_1)
            .credentialsProvider(
                () -> software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("a", "b"))
            .overrideConfiguration(SandboxClients.noRetries())
            .build()) {

      assertThatThrownBy(cloudWatch::listMetrics)
          .isInstanceOfSatisfying(
              SdkServiceException.class, e -> assertThat(e.isThrottlingException()).isTrue());
    }
  }
}
