package dev.sherlock.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.Datapoint;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.InvalidParameterValueException;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

/**
 * CloudWatch through the real SDK client (Smithy RPC v2 CBOR), and through the query and JSON 1.0
 * protocols that the AWS CLI versions send.
 */
class CloudWatchIT {
  private static final Instant T0 = SandboxClients.START;
  private SandboxClients aws;

  @BeforeEach
  void start() {
    aws = new SandboxClients();
  }

  @AfterEach
  void stop() {
    aws.close();
  }

  /** The older read the AWS CLI's get-metric-statistics makes: statistics and percentiles. */
  @Test
  void getMetricStatisticsAnswersStatisticsAndPercentilesPerPeriod() {
    putLatencies();

    var response =
        aws.cloudWatch.getMetricStatistics(
            b ->
                b.namespace("Shop")
                    .metricName("Latency")
                    .dimensions(Dimension.builder().name("Service").value("like").build())
                    .startTime(T0)
                    .endTime(T0.plusSeconds(180))
                    .period(60)
                    .statistics(Statistic.AVERAGE, Statistic.SAMPLE_COUNT, Statistic.MAXIMUM));
    assertThat(response.label()).isEqualTo("Latency");
    var points =
        response.datapoints().stream()
            .sorted(java.util.Comparator.comparing(Datapoint::timestamp))
            .toList();
    assertThat(points)
        .extracting(Datapoint::timestamp)
        .containsExactly(T0, T0.plusSeconds(60), T0.plusSeconds(120));
    assertThat(points).extracting(Datapoint::average).containsExactly(0.505, 2.0, 3.0);
    assertThat(points).extracting(Datapoint::sampleCount).containsExactly(100.0, 1.0, 1.0);
    assertThat(points.getFirst().maximum()).isEqualTo(1.0);

    var percentiles =
        aws.cloudWatch.getMetricStatistics(
            b ->
                b.namespace("Shop")
                    .metricName("Latency")
                    .dimensions(Dimension.builder().name("Service").value("like").build())
                    .startTime(T0)
                    .endTime(T0.plusSeconds(60))
                    .period(60)
                    .extendedStatistics("p95"));
    assertThat(percentiles.datapoints())
        .singleElement()
        .satisfies(d -> assertThat(d.extendedStatistics()).containsEntry("p95", 0.95));

    assertThatThrownBy(
            () ->
                aws.cloudWatch.getMetricStatistics(
                    b ->
                        b.namespace("Shop")
                            .metricName("Latency")
                            .startTime(T0)
                            .endTime(T0.plus(Duration.ofDays(2)))
                            .period(60)
                            .statistics(Statistic.AVERAGE)))
        .isInstanceOf(InvalidParameterValueException.class)
        .hasMessageContaining("exceeds the limit of 1,440");
  }

  @Test
  void percentilesAndAveragesPerPeriodNewestFirst() {
    putLatencies();

    GetMetricDataResponse response =
        aws.cloudWatch.getMetricData(
            b ->
                b.startTime(T0)
                    .endTime(T0.plusSeconds(180))
                    .metricDataQueries(
                        query("p95", "p95"), query("avg", "Average"), query("n", "SampleCount")));

    var p95 = response.metricDataResults().get(0);
    assertThat(p95.id()).isEqualTo("p95");
    assertThat(p95.timestamps()).containsExactly(T0.plusSeconds(120), T0.plusSeconds(60), T0);
    assertThat(p95.values()).containsExactly(3.0, 2.0, 0.95);
    assertThat(p95.statusCodeAsString()).isEqualTo("Complete");
    assertThat(response.metricDataResults().get(1).values()).containsExactly(3.0, 2.0, 0.505);
    assertThat(response.metricDataResults().get(2).values()).containsExactly(1.0, 1.0, 100.0);
  }

  @Test
  void maxDatapointsPagesWithANextToken() {
    putLatencies();

    var first =
        aws.cloudWatch.getMetricData(
            b ->
                b.startTime(T0)
                    .endTime(T0.plusSeconds(180))
                    .maxDatapoints(2)
                    .scanBy(ScanBy.TIMESTAMP_ASCENDING)
                    .metricDataQueries(query("avg", "Average")));
    var second =
        aws.cloudWatch.getMetricData(
            b ->
                b.startTime(T0)
                    .endTime(T0.plusSeconds(180))
                    .maxDatapoints(2)
                    .scanBy(ScanBy.TIMESTAMP_ASCENDING)
                    .nextToken(first.nextToken())
                    .metricDataQueries(query("avg", "Average")));

    assertThat(first.metricDataResults().getFirst().timestamps())
        .containsExactly(T0, T0.plusSeconds(60));
    assertThat(first.nextToken()).isNotNull();
    assertThat(second.metricDataResults().getFirst().timestamps())
        .containsExactly(T0.plusSeconds(120));
    assertThat(second.nextToken()).isNull();
  }

  @Test
  void invalidQueriesAreRejectedWithCloudWatchsErrorTypes() {
    List<MetricDataQuery> tooMany = new ArrayList<>();
    for (int i = 0; i < 501; i++) {
      tooMany.add(query("q" + i, "Average"));
    }

    assertThatThrownBy(
            () ->
                aws.cloudWatch.getMetricData(
                    b -> b.startTime(T0).endTime(T0.plusSeconds(60)).metricDataQueries(tooMany)))
        .isInstanceOf(InvalidParameterValueException.class)
        .satisfies(
            e ->
                assertThat(((InvalidParameterValueException) e).awsErrorDetails().errorCode())
                    .isEqualTo("InvalidParameterValue"));
    assertThatThrownBy(
            () ->
                aws.cloudWatch.getMetricData(
                    b ->
                        b.startTime(T0)
                            .endTime(T0.plusSeconds(60))
                            .metricDataQueries(query("x", "p101"))))
        .isInstanceOf(InvalidParameterValueException.class);
  }

  @Test
  void listMetricsFiltersByNamespaceAndDimension() {
    putLatencies();
    aws.cloudWatch.putMetricData(
        b ->
            b.namespace("Other")
                .metricData(
                    MetricDatum.builder().metricName("X").value(1.0).timestamp(T0).build()));

    var metrics =
        aws.cloudWatch
            .listMetrics(b -> b.namespace("Shop").dimensions(d -> d.name("Service").value("like")))
            .metrics();

    assertThat(metrics)
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.metricName()).isEqualTo("Latency");
              assertThat(m.dimensions())
                  .containsExactly(Dimension.builder().name("Service").value("like").build());
            });
  }

  @Test
  void theQueryProtocolAnswersInXml() throws Exception {
    putLatencies();
    String form =
        "Action=GetMetricData&Version=2010-08-01"
            + "&MetricDataQueries.member.1.Id=m1"
            + "&MetricDataQueries.member.1.MetricStat.Metric.Namespace=Shop"
            + "&MetricDataQueries.member.1.MetricStat.Metric.MetricName=Latency"
            + "&MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name=Service"
            + "&MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value=like"
            + "&MetricDataQueries.member.1.MetricStat.Period=60&MetricDataQueries.member.1.MetricStat.Stat=Maximum"
            + "&StartTime=2026-11-20T09%3A00%3A00Z&EndTime=2026-11-20T09%3A03%3A00Z";

    HttpResponse<String> response =
        post(form, "application/x-www-form-urlencoded; charset=utf-8", null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .startsWith(
            "<GetMetricDataResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\"><GetMetricDataResult><MetricDataResults><member><Id>m1</Id>")
        .contains(
            "<Timestamps><member>2026-11-20T09:02:00Z</member><member>2026-11-20T09:01:00Z</member><member>2026-11-20T09:00:00Z</member></Timestamps>")
        .contains("<Values><member>3.0</member><member>2.0</member><member>1.0</member></Values>")
        .contains("<RequestId>");
  }

  @Test
  void theQueryProtocolReportsErrorsInXml() throws Exception {
    HttpResponse<String> response =
        post(
            "Action=ListMetrics&Version=2010-08-01&NextToken=garbage",
            "application/x-www-form-urlencoded",
            null);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("<Error><Type>Sender</Type><Code>InvalidNextToken</Code>");
  }

  @Test
  void jsonOneZeroAsTheAwsCliV1SendsIt() throws Exception {
    putLatencies();

    HttpResponse<String> response =
        post(
            "{\"Namespace\": \"Shop\"}",
            "application/x-amz-json-1.0",
            "GraniteServiceVersion20100801.ListMetrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"MetricName\":\"Latency\"");
  }

  @Test
  void theSimulatorPublishesServiceMetrics() {
    MysfitsWorld.seed(aws.sandbox);
    aws.ecs.updateClusterSettings(
        b -> b.cluster("mysfits").settings(c -> c.name("containerInsights").value("enabled")));
    aws.sandbox.advance(Duration.ofMinutes(3));

    var response =
        aws.cloudWatch.getMetricData(
            b ->
                b.startTime(T0)
                    .endTime(aws.sandbox.now())
                    .metricDataQueries(
                        MetricDataQuery.builder()
                            .id("cpu")
                            .metricStat(
                                s ->
                                    s.period(60)
                                        .stat("Average")
                                        .metric(
                                            m ->
                                                m.namespace("AWS/ECS")
                                                    .metricName("CPUUtilization")
                                                    .dimensions(
                                                        d -> d.name("ClusterName").value("mysfits"),
                                                        d ->
                                                            d.name("ServiceName")
                                                                .value("like-service"))))
                            .build(),
                        MetricDataQuery.builder()
                            .id("p95")
                            .metricStat(
                                s ->
                                    s.period(60)
                                        .stat("p95")
                                        .metric(
                                            m ->
                                                m.namespace("AWS/ApplicationELB")
                                                    .metricName("TargetResponseTime")
                                                    .dimensions(
                                                        d ->
                                                            d.name("LoadBalancer")
                                                                .value(MysfitsWorld.LOAD_BALANCER),
                                                        d ->
                                                            d.name("TargetGroup")
                                                                .value(
                                                                    "targetgroup/like-service/73e2d6bc24d8a067"))))
                            .build(),
                        MetricDataQuery.builder()
                            .id("tasks")
                            .metricStat(
                                s ->
                                    s.period(60)
                                        .stat("Average")
                                        .metric(
                                            m ->
                                                m.namespace("ECS/ContainerInsights")
                                                    .metricName("RunningTaskCount")
                                                    .dimensions(
                                                        d -> d.name("ClusterName").value("mysfits"),
                                                        d ->
                                                            d.name("ServiceName")
                                                                .value("monolith"))))
                            .build()));

    assertThat(response.metricDataResults().get(0).values())
        .isNotEmpty()
        .allSatisfy(v -> assertThat(v).isBetween(5.0, 60.0));
    assertThat(response.metricDataResults().get(1).values())
        .as("CHAOSMODE slows a good share of requests past a second")
        .isNotEmpty()
        .allSatisfy(v -> assertThat(v).isGreaterThan(1.0));
    assertThat(response.metricDataResults().get(2).values()).last().isEqualTo(2.0);
  }

  /** Minute 0: 100 values 0.01..1.00; minute 1: one value 2.0; minute 2: one value 3.0. */
  private void putLatencies() {
    List<Double> values = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      values.add(i / 100.0);
    }
    Dimension service = Dimension.builder().name("Service").value("like").build();
    aws.cloudWatch.putMetricData(
        b ->
            b.namespace("Shop")
                .metricData(
                    MetricDatum.builder()
                        .metricName("Latency")
                        .dimensions(service)
                        .timestamp(T0.plusSeconds(10))
                        .values(values)
                        .build(),
                    MetricDatum.builder()
                        .metricName("Latency")
                        .dimensions(service)
                        .timestamp(T0.plusSeconds(70))
                        .value(2.0)
                        .build(),
                    MetricDatum.builder()
                        .metricName("Latency")
                        .dimensions(service)
                        .timestamp(T0.plusSeconds(130))
                        .value(3.0)
                        .build()));
  }

  private static MetricDataQuery query(String id, String stat) {
    return MetricDataQuery.builder()
        .id(id)
        .metricStat(
            s ->
                s.period(60)
                    .stat(stat)
                    .metric(
                        m ->
                            m.namespace("Shop")
                                .metricName("Latency")
                                .dimensions(d -> d.name("Service").value("like"))))
        .build();
  }

  private HttpResponse<String> post(String body, String contentType, String target)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(aws.sandbox.endpoint() + "/"))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (target != null) {
      request.header("X-Amz-Target", target);
    }
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
  }
}
