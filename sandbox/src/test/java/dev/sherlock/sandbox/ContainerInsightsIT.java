package dev.sherlock.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.ecs.model.ClusterField;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;

/** The cluster's Container Insights setting, and its metrics published only while it is on. */
class ContainerInsightsIT {
  private SandboxClients aws;

  @BeforeEach
  void start() {
    aws = SandboxClients.withMysfits();
  }

  @AfterEach
  void stop() {
    aws.close();
  }

  @Test
  void offByDefaultThenEnhancedPublishesPerTaskMetricsUntilTurnedOff() {
    assertThat(setting()).isEqualTo("disabled");
    aws.sandbox.advance(Duration.ofMinutes(2));
    assertThat(insightsMetrics()).isEmpty();

    aws.ecs.updateClusterSettings(
        b -> b.cluster("mysfits").settings(s -> s.name("containerInsights").value("enhanced")));
    assertThat(setting()).isEqualTo("enhanced");
    aws.sandbox.advance(Duration.ofMinutes(2));
    List<Metric> metrics = insightsMetrics();
    assertThat(metrics)
        .extracting(Metric::metricName)
        .contains("RunningTaskCount", "CpuUtilized", "MemoryUtilized");
    assertThat(metrics)
        .anySatisfy(
            m ->
                assertThat(m.dimensions())
                    .anyMatch(d -> d.name().equals("TaskId"))
                    .anyMatch(
                        d ->
                            d.name().equals("TaskDefinitionFamily")
                                && d.value().equals("monolith")));

    aws.ecs.updateClusterSettings(
        b -> b.cluster("mysfits").settings(s -> s.name("containerInsights").value("disabled")));
    long published = datapoints();
    aws.sandbox.advance(Duration.ofMinutes(2));
    assertThat(datapoints()).as("nothing more once it is off").isEqualTo(published);
  }

  @Test
  void anUnknownSettingOrValueIsRefused() {
    assertThatThrownBy(
            () ->
                aws.ecs.updateClusterSettings(
                    b ->
                        b.cluster("mysfits")
                            .settings(s -> s.name("containerInsights").value("on"))))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("enabled, disabled, enhanced");
  }

  private String setting() {
    return aws.ecs
        .describeClusters(b -> b.clusters("mysfits").include(ClusterField.SETTINGS))
        .clusters()
        .getFirst()
        .settings()
        .getFirst()
        .value();
  }

  private List<Metric> insightsMetrics() {
    return aws.cloudWatch.listMetrics(b -> b.namespace("ECS/ContainerInsights")).metrics();
  }

  private long datapoints() {
    return aws.cloudWatch
        .getMetricStatistics(
            b ->
                b.namespace("ECS/ContainerInsights")
                    .metricName("RunningTaskCount")
                    .dimensions(
                        d -> d.name("ClusterName").value("mysfits"),
                        d -> d.name("ServiceName").value("monolith"))
                    .startTime(aws.sandbox.now().minus(Duration.ofHours(1)))
                    .endTime(aws.sandbox.now())
                    .period(60)
                    .statistics(
                        software.amazon.awssdk.services.cloudwatch.model.Statistic.SAMPLE_COUNT))
        .datapoints()
        .size();
  }
}
