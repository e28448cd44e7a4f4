package dev.sherlock.aws;

import dev.sherlock.config.SherlockConfig;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;

/**
 * CloudWatch reads: GetMetricData with as few calls as its limit of 500 queries per call allows,
 * following NextToken until every datapoint is in.
 */
@Singleton
public final class CloudWatchGateway {
  public static final int QUERIES_PER_CALL = 500;

  private final CloudWatchClient cloudWatch;
  private final AwsGuard guard;

  public CloudWatchGateway(
      CloudWatchClient cloudWatch, SherlockConfig config, ApiBudgets budgets, CallCounter counter) {
    this.cloudWatch = cloudWatch;
    this.guard = new AwsGuard("monitoring", config.aws(), budgets, counter);
  }

  /** Results by query id; each result's datapoints newest first, as CloudWatch returns them. */
  public Map<String, MetricDataResult> getMetricData(
      List<MetricDataQuery> queries, Instant start, Instant end) {
    Map<String, MetricDataResult> results = new LinkedHashMap<>();
    for (int i = 0; i < queries.size(); i += QUERIES_PER_CALL) {
      List<MetricDataQuery> batch =
          queries.subList(i, Math.min(queries.size(), i + QUERIES_PER_CALL));
      String token = null;
      do {
        String next = token;
        var response =
            guard.call(
                "monitoring",
                "GetMetricData",
                () ->
                    cloudWatch.getMetricData(
                        b ->
                            b.metricDataQueries(batch)
                                .startTime(start)
                                .endTime(end)
                                .nextToken(next)));
        for (MetricDataResult r : response.metricDataResults()) {
          results.merge(r.id(), r, CloudWatchGateway::concat);
        }
        token = response.nextToken();
      } while (token != null);
    }
    return results;
  }

  private static MetricDataResult concat(MetricDataResult a, MetricDataResult b) {
    List<Instant> timestamps = new ArrayList<>(a.timestamps());
    timestamps.addAll(b.timestamps());
    List<Double> values = new ArrayList<>(a.values());
    values.addAll(b.values());
    return a.toBuilder().timestamps(timestamps).values(values).build();
  }
}
