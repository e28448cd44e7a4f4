package dev.sherlock.policy;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a debug session does while it lasts; every action is reverted when the session ends. In YAML
 * each action is a one-key mapping whose key names its kind.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.WRAPPER_OBJECT)
@JsonSubTypes({
  @JsonSubTypes.Type(value = Action.SetEnvironment.class, name = "setEnvironment"),
  @JsonSubTypes.Type(value = Action.AttachSidecar.class, name = "attachSidecar"),
  @JsonSubTypes.Type(value = Action.EnableExecuteCommand.class, name = "enableExecuteCommand"),
  @JsonSubTypes.Type(value = Action.CaptureSnapshot.class, name = "captureSnapshot"),
  @JsonSubTypes.Type(value = Action.CaptureStatusPage.class, name = "captureStatusPage"),
  @JsonSubTypes.Type(value = Action.ScaleCapacity.class, name = "scaleCapacity"),
  @JsonSubTypes.Type(
      value = Action.EnableContainerInsights.class,
      name = "enableContainerInsights"),
})
public sealed interface Action {

  /** Environment variables set on one container of the task definition (e.g. LOGLEVEL=DEBUG). */
  record SetEnvironment(String container, Map<String, String> variables) implements Action {
    public SetEnvironment {
      variables = Map.copyOf(variables);
    }
  }

  /** A container added to the task definition, such as an X-Ray daemon or a metadata proxy. */
  record AttachSidecar(
      String name,
      String image,
      Optional<Integer> cpu,
      Optional<Integer> memory,
      Optional<Integer> memoryReservation,
      Optional<Boolean> essential,
      List<PortMapping> portMappings,
      Map<String, String> environment,
      List<String> command)
      implements Action {
    public AttachSidecar {
      portMappings = portMappings == null ? List.of() : List.copyOf(portMappings);
      environment = environment == null ? Map.of() : Map.copyOf(environment);
      command = command == null ? List.of() : List.copyOf(command);
    }

    /** A container port; the protocol defaults to tcp, as in ECS. */
    public record PortMapping(int containerPort, Optional<String> protocol) {}
  }

  /** ECS Exec on for the service while the session lasts. */
  record EnableExecuteCommand() implements Action {}

  /** Evidence recorded as a Snapshot finding when the session opens. */
  /**
   * The service's evidence as a Snapshot finding, once the session's changes are live.
   *
   * @param after how long after the changes are live to wait, so that what they turn on (DEBUG
   *     lines, an X-Ray daemon's traces) has gathered; none means at once
   */
  record CaptureSnapshot(
      List<String> include, Optional<LogOptions> logs, Optional<java.time.Duration> after)
      implements Action {
    public static final List<String> EVERYTHING =
        List.of(
            "tasks",
            "stoppedTasks",
            "serviceEvents",
            "deployments",
            "metrics",
            "logs",
            "taskStats",
            "traces");

    /**
     * How long after the changes are live the snapshots among {@code actions} wait: the longest
     * {@code after} asked, else not at all.
     */
    public static java.time.Duration delayOf(List<Action> actions) {
      return actions.stream()
          .filter(CaptureSnapshot.class::isInstance)
          .flatMap(a -> ((CaptureSnapshot) a).after().stream())
          .max(java.time.Duration::compareTo)
          .orElse(java.time.Duration.ZERO);
    }

    public CaptureSnapshot {
      include = include == null ? EVERYTHING : List.copyOf(include);
    }

    /** How many log lines per task, optionally filtered with a CloudWatch Logs pattern. */
    public record LogOptions(Optional<Integer> lines, Optional<String> filterPattern) {}
  }

  /**
   * A GET of a status page ({@code /server-status}, {@code /actuator/health}) on every running task
   * of the service, through the task's private address, when the session's snapshot is taken: one
   * part per task, bounded in time and size and redacted; a task that does not answer is recorded.
   *
   * @param maxBytes bytes kept of each page: a number, or with a unit ({@code 64KiB}, {@code 1MiB})
   */
  record CaptureStatusPage(
      String path, int port, Optional<java.time.Duration> timeout, Optional<String> maxBytes)
      implements Action {
    public static final java.time.Duration DEFAULT_TIMEOUT = java.time.Duration.ofSeconds(2);
    public static final int DEFAULT_MAX_BYTES = 64 * 1024;
    public static final int MOST_BYTES = 1024 * 1024;

    public java.time.Duration timeoutOrDefault() {
      return timeout.orElse(DEFAULT_TIMEOUT);
    }

    /** The bound in bytes; -1 when {@code maxBytes} is not a size (validation reports it). */
    public int maxBytesOrDefault() {
      return maxBytes.map(CaptureStatusPage::bytes).orElse(DEFAULT_MAX_BYTES);
    }

    static int bytes(String size) {
      var m = java.util.regex.Pattern.compile("(\\d{1,9})\\s*(B|KiB|MiB)?").matcher(size.strip());
      if (!m.matches()) {
        return -1;
      }
      long n = Long.parseLong(m.group(1));
      long unit =
          m.group(2) == null || m.group(2).equals("B")
              ? 1
              : m.group(2).equals("KiB") ? 1024 : 1024 * 1024;
      return n * unit > Integer.MAX_VALUE ? -1 : (int) (n * unit);
    }
  }

  /** The service's minimum capacity raised to at least {@code minAtLeast} for the session. */
  record ScaleCapacity(int minAtLeast) implements Action {}

  /**
   * Container Insights on the session's cluster ({@code enabled}, or {@code enhanced} for per-task
   * metrics), back to what it was once no session on the cluster needs it, unless a person changed
   * it meanwhile.
   */
  record EnableContainerInsights(Optional<String> level) implements Action {
    public String levelOrDefault() {
      return level.orElse("enabled");
    }

    /** ECS's levels, least to most: a session asking for {@code enabled} is served by enhanced. */
    public static int rank(String level) {
      return switch (level) {
        case "enhanced" -> 2;
        case "enabled" -> 1;
        default -> 0;
      };
    }

    /** The most Container Insights {@code actions} ask for, if they ask at all. */
    public static Optional<String> mostAskedBy(List<Action> actions) {
      return actions.stream()
          .filter(EnableContainerInsights.class::isInstance)
          .map(a -> ((EnableContainerInsights) a).levelOrDefault())
          .max(java.util.Comparator.comparingInt(EnableContainerInsights::rank));
    }
  }
}
