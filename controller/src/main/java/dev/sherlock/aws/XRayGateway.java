package dev.sherlock.aws;

import dev.sherlock.config.SherlockConfig;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.xray.XRayClient;
import software.amazon.awssdk.services.xray.model.GetTraceSummariesResponse;
import software.amazon.awssdk.services.xray.model.Trace;
import software.amazon.awssdk.services.xray.model.TraceSummary;

/** X-Ray reads: the summaries of traces matching a filter, and whole traces by id. */
@Singleton
public final class XRayGateway {
  /** BatchGetTraces takes at most five ids a call. */
  private static final int IDS_PER_CALL = 5;

  private final XRayClient xray;
  private final AwsGuard guard;

  public XRayGateway(
      XRayClient xray, SherlockConfig config, ApiBudgets budgets, CallCounter counter) {
    this.xray = xray;
    this.guard = new AwsGuard("xray", config.aws(), budgets, counter);
  }

  /**
   * Summaries of the traces in {@code [from, to)} that match {@code filter}, at most {@code max}
   * (X-Ray pages them; a busy service has thousands and the newest pages are enough).
   */
  public List<TraceSummary> summaries(String filter, Instant from, Instant to, int max) {
    List<TraceSummary> summaries = new ArrayList<>();
    String token = null;
    do {
      String next = token;
      GetTraceSummariesResponse page =
          guard.call(
              "xray",
              "GetTraceSummaries",
              () ->
                  xray.getTraceSummaries(
                      b -> b.startTime(from).endTime(to).filterExpression(filter).nextToken(next)));
      summaries.addAll(page.traceSummaries());
      token = page.nextToken();
    } while (token != null && summaries.size() < max);
    return summaries.size() > max ? summaries.subList(0, max) : summaries;
  }

  /** The traces with these ids, five a call; ids X-Ray no longer has are left out. */
  public List<Trace> traces(List<String> ids) {
    List<Trace> traces = new ArrayList<>();
    for (int i = 0; i < ids.size(); i += IDS_PER_CALL) {
      List<String> batch = ids.subList(i, Math.min(ids.size(), i + IDS_PER_CALL));
      traces.addAll(
          guard
              .call("xray", "BatchGetTraces", () -> xray.batchGetTraces(b -> b.traceIds(batch)))
              .traces());
    }
    return traces;
  }
}
