package dev.sherlock.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sherlock.sandbox.faults.AwsBudgets;
import dev.sherlock.sandbox.faults.FaultInjector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
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
  void awsBudgetsShareOneBucketPerGroupOfActions() {
    AwsBudgets.enforce(aws.sandbox.faults());
    try (EcsClient ecs = aws.ecsWithoutRetries()) {
      // Task definition modify: 20 at once, Register and Deregister alike.
      for (int i = 0; i < 19; i++) {
        ecs.registerTaskDefinition(EcsIT.taskDefinition("web", "busybox:1"));
      }
      ecs.deregisterTaskDefinition(b -> b.taskDefinition("web:1"));
      assertThatThrownBy(() -> ecs.registerTaskDefinition(EcsIT.taskDefinition("web", "busybox:1")))
          .isInstanceOfSatisfying(
              EcsException.class, e -> assertThat(e.isThrottlingException()).isTrue());
      // Another group's bucket is its own.
      ecs.listClusters();
      aws.sandbox.advance(Duration.ofSeconds(1)); // refills 1 per second
      ecs.registerTaskDefinition(EcsIT.taskDefinition("web", "busybox:1"));
    }
  }

  @Test
  void theLedgerKeepsEachCallsTimeAndResetsOnlyOnPost() throws Exception {
    aws.ecs.listClusters();
    HttpClient http = HttpClient.newHttpClient();
    URI ledger = aws.sandbox.endpoint().resolve("/_sandbox/ledger");
    String before =
        http.send(HttpRequest.newBuilder(ledger).build(), BodyHandlers.ofString()).body();
    assertThat(before).contains("\"operation\":\"ListClusters\"", "\"at\":");

    URI reset = aws.sandbox.endpoint().resolve("/_sandbox/calls/reset");
    assertThat(
            http.send(HttpRequest.newBuilder(reset).build(), BodyHandlers.ofString()).statusCode())
        .isEqualTo(404);
    assertThat(aws.sandbox.calls().count("ecs", "ListClusters")).isEqualTo(1);
    http.send(
        HttpRequest.newBuilder(reset).POST(HttpRequest.BodyPublishers.noBody()).build(),
        BodyHandlers.ofString());
    assertThat(aws.sandbox.calls().count("ecs", "ListClusters")).isZero();
    assertThat(http.send(HttpRequest.newBuilder(ledger).build(), BodyHandlers.ofString()).body())
        .doesNotContain("ListClusters");
  }

  @Test
  void aFleetHasTheServicesAsked() {
    FleetWorld.seed(aws.sandbox, 12);

    assertThat(
            aws.ecs.listServices(b -> b.cluster(FleetWorld.CLUSTER).maxResults(100)).serviceArns())
        .hasSize(12)
        .anyMatch(arn -> arn.endsWith("/fleet/svc-00012"));
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
