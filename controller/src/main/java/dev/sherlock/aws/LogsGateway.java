package dev.sherlock.aws;

import dev.sherlock.config.SherlockConfig;
import jakarta.inject.Singleton;
import java.util.List;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;

/** CloudWatch Logs reads: the tail of a stream, or a stream's lines matching a filter pattern. */
@Singleton
public final class LogsGateway {
  private final CloudWatchLogsClient logs;
  private final AwsGuard guard;

  public LogsGateway(
      CloudWatchLogsClient logs, SherlockConfig config, ApiBudgets budgets, CallCounter counter) {
    this.logs = logs;
    this.guard = new AwsGuard("logs", config.aws(), budgets, counter);
  }

  /** The last {@code lines} events of a stream, oldest first. */
  public List<String> tail(String group, String stream, int lines) {
    return guard
        .call(
            "logs",
            "GetLogEvents",
            () ->
                logs.getLogEvents(
                    b ->
                        b.logGroupName(group)
                            .logStreamName(stream)
                            .limit(lines)
                            .startFromHead(false)))
        .events()
        .stream()
        .map(OutputLogEvent::message)
        .toList();
  }

  /** The last {@code lines} events of a stream that match {@code pattern}, oldest first. */
  public List<String> filter(String group, String stream, String pattern, int lines) {
    List<String> all =
        guard
            .call(
                "logs",
                "FilterLogEvents",
                () ->
                    logs.filterLogEvents(
                        b ->
                            b.logGroupName(group)
                                .logStreamNames(stream)
                                .filterPattern(pattern)
                                .limit(10_000)))
            .events()
            .stream()
            .map(FilteredLogEvent::message)
            .toList();
    return all.subList(Math.max(0, all.size() - lines), all.size());
  }
}
