package dev.sherlock.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What opens a debug session. In YAML each trigger is a one-key mapping whose key names its kind,
 * e.g. {@code - restarts: {count: 3, within: 10m}}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.WRAPPER_OBJECT)
@JsonSubTypes({
  @JsonSubTypes.Type(value = Trigger.Metric.class, name = "metric"),
  @JsonSubTypes.Type(value = Trigger.TaskStopped.class, name = "taskStopped"),
  @JsonSubTypes.Type(value = Trigger.Restarts.class, name = "restarts"),
  @JsonSubTypes.Type(value = Trigger.ServiceEvent.class, name = "serviceEvent"),
  @JsonSubTypes.Type(value = Trigger.DeploymentFailed.class, name = "deploymentFailed"),
})
public sealed interface Trigger {

  /**
   * A CloudWatch metric beyond a threshold ({@code above}, {@code below}, or {@code aboveBaseline}
   * times its own average) for at least {@code for}.
   */
  record Metric(
      String namespace,
      String name,
      Optional<String> statistic,
      Map<String, String> dimensions,
      Optional<Duration> period,
      Optional<Double> above,
      Optional<Double> below,
      Optional<Baseline> aboveBaseline,
      @JsonProperty("for") Optional<Duration> forDuration)
      implements Trigger {
    public static final String DEFAULT_STATISTIC = "Average";
    public static final Duration DEFAULT_PERIOD = Duration.ofMinutes(1);

    public Metric {
      dimensions = dimensions == null ? Map.of() : Map.copyOf(dimensions);
    }

    public Duration periodOrDefault() {
      return period.orElse(DEFAULT_PERIOD);
    }

    /** How long a breach must hold before it fires: {@code for}, else one period. */
    public Duration breachFor() {
      return forDuration.orElse(periodOrDefault());
    }

    /** A value over {@code factor} times the metric's average over the {@code over} window. */
    public record Baseline(double factor, Duration over) {}
  }

  /** A task of the service stopped, matching every condition given. */
  record TaskStopped(
      List<String> stopCodes,
      List<Integer> exitCodes,
      Optional<Glob> reason,
      Optional<String> container)
      implements Trigger {
    public TaskStopped {
      stopCodes = stopCodes == null ? List.of() : List.copyOf(stopCodes);
      exitCodes = exitCodes == null ? List.of() : List.copyOf(exitCodes);
    }
  }

  /** A crash loop: {@code count} stopped tasks of one service within {@code within}. */
  record Restarts(int count, Duration within) implements Trigger {}

  /** An "ECS Service Action" event with one of these names. */
  record ServiceEvent(List<String> names) implements Trigger {
    public ServiceEvent {
      names = List.copyOf(names);
    }
  }

  /** A deployment of the service failed. */
  record DeploymentFailed() implements Trigger {}
}
