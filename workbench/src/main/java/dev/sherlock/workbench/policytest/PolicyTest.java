package dev.sherlock.workbench.policytest;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code PolicyTest} document ({@code crds-yaml/policytest.schema.yaml}): a world, a timeline of
 * what happens to it on a virtual clock, and what the policies must have done by the end. What
 * {@code kyverno test} is for static resources, over time.
 *
 * @param file where the test was read from, as diagnostics name it
 */
public record PolicyTest(String file, String name, Spec spec) {
  public static final String KIND = "PolicyTest";

  /**
   * @param policies the policies and DebugSessions in force (by name); empty: all of them
   * @param duration how long the scenario runs; empty: {@link #defaultDuration}
   */
  public record Spec(
      List<String> policies,
      Optional<World> world,
      Optional<Boolean> dryRun,
      Optional<Duration> duration,
      List<Step> timeline,
      List<Expectation> expect) {
    public Spec {
      policies = policies == null ? List.of() : List.copyOf(policies);
      timeline = timeline == null ? List.of() : List.copyOf(timeline);
      expect = expect == null ? List.of() : List.copyOf(expect);
    }
  }

  /**
   * The sandbox's world at the start: a seed ({@code mysfits}, the default) or a state file as
   * {@code sherlock plan --state} reads it, relative to the test's file.
   */
  public record World(Optional<String> seed, Optional<String> state) {}

  /** How long to run when the test does not say: 10 minutes past the last step or window. */
  public Duration duration() {
    return spec.duration().orElseGet(this::defaultDuration);
  }

  private Duration defaultDuration() {
    Duration last = Duration.ZERO;
    for (Step step : spec.timeline()) {
      last = max(last, step.at().plus(step.what().lasts()));
    }
    for (Expectation e : spec.expect()) {
      last = max(last, e.window().orElse(Duration.ZERO));
    }
    return last.plus(Duration.ofMinutes(10));
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** One thing that happens {@code at} a time after the start. */
  public record Step(Duration at, Happening what) {}

  /**
   * What happens to the world. In YAML each is a key beside {@code at}: {@code - at: 2m, oomKill:
   * {service: like-service}}.
   */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.WRAPPER_OBJECT)
  @JsonSubTypes({
    @JsonSubTypes.Type(value = Happening.OomKill.class, name = "oomKill"),
    @JsonSubTypes.Type(value = Happening.CrashLoop.class, name = "crashLoop"),
    @JsonSubTypes.Type(value = Happening.CpuSpike.class, name = "cpuSpike"),
    @JsonSubTypes.Type(value = Happening.LatencySpike.class, name = "latencySpike"),
    @JsonSubTypes.Type(value = Happening.Recover.class, name = "recover"),
    @JsonSubTypes.Type(value = Happening.Event.class, name = "event"),
    @JsonSubTypes.Type(value = Happening.Metric.class, name = "metric"),
    @JsonSubTypes.Type(value = Happening.Deploy.class, name = "deploy"),
    @JsonSubTypes.Type(value = Happening.OpenSession.class, name = "openSession"),
  })
  public sealed interface Happening {
    /** How long it goes on after it starts, for the default duration. */
    default Duration lasts() {
      return Duration.ZERO;
    }

    /** Every task of the service is OOM-killed after running {@code after} (default 30s). */
    record OomKill(String service, Optional<Duration> after) implements Happening {}

    /** Every task's essential container exits with {@code exitCode} (1) after {@code after}. */
    record CrashLoop(String service, Optional<Duration> after, Optional<Integer> exitCode)
        implements Happening {}

    /** CPU at {@code percent} for {@code for} (default 20m). */
    record CpuSpike(String service, double percent, @JsonProperty("for") Optional<Duration> length)
        implements Happening {
      @Override
      public Duration lasts() {
        return length.orElse(DEFAULT_SPIKE);
      }
    }

    /** Latency multiplied by {@code factor} for {@code for} (default 20m). */
    record LatencySpike(
        String service, double factor, @JsonProperty("for") Optional<Duration> length)
        implements Happening {
      @Override
      public Duration lasts() {
        return length.orElse(DEFAULT_SPIKE);
      }
    }

    Duration DEFAULT_SPIKE = Duration.ofMinutes(20);

    /** The service's faults stop. */
    record Recover(String service) implements Happening {}

    /** An event as EventBridge delivers it to the queue, sent as it is. */
    record Event(JsonNode body) implements Happening {
      @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
      public Event {}
    }

    /** A datapoint of {@code value}, or one every {@code every} (1m) for {@code for}. */
    record Metric(
        String namespace,
        String name,
        Map<String, String> dimensions,
        double value,
        Optional<Duration> every,
        @JsonProperty("for") Optional<Duration> length)
        implements Happening {
      public Metric {
        dimensions = dimensions == null ? Map.of() : Map.copyOf(dimensions);
      }

      @Override
      public Duration lasts() {
        return length.orElse(Duration.ZERO);
      }
    }

    /** A person's deploy: a new revision with these variables on {@code container} (the first). */
    record Deploy(String service, Optional<String> container, Map<String, String> environment)
        implements Happening {}

    /** A responder opens a session by hand. */
    record OpenSession(String policy, String service, Optional<Duration> duration, String reason)
        implements Happening {}

    /**
     * A call a person made to ECS, from an incident's CloudTrail, acted out in the world at its
     * time. Only {@code sherlock replay} makes these; a test file has no key for them.
     *
     * @param operation {@code RegisterTaskDefinition} or {@code UpdateService}
     * @param request the call's {@code requestParameters}
     * @param revision of a registration: the number it got, which the world keeps
     * @param summary the call in a few words, for what does not work out
     */
    record ApiCall(
        String operation,
        com.fasterxml.jackson.databind.node.ObjectNode request,
        Optional<Integer> revision,
        String summary)
        implements Happening {}
  }

  /** What must hold at the end. Each is a one-key mapping naming its kind. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.WRAPPER_OBJECT)
  @JsonSubTypes({
    @JsonSubTypes.Type(value = Expectation.SessionOpened.class, name = "sessionOpened"),
    @JsonSubTypes.Type(value = Expectation.NoSession.class, name = "noSession"),
    @JsonSubTypes.Type(value = Expectation.Suppressed.class, name = "suppressed"),
    @JsonSubTypes.Type(value = Expectation.Reverted.class, name = "reverted"),
    @JsonSubTypes.Type(value = Expectation.FindingPresent.class, name = "finding"),
    @JsonSubTypes.Type(value = Expectation.SnapshotHolds.class, name = "snapshot"),
  })
  public sealed interface Expectation {
    /** The policy it is about, for the report. */
    Optional<String> policyName();

    /** The service it is about, for the report. */
    Optional<String> serviceName();

    /** The time by which it must have happened, if it has one. */
    default Optional<Duration> window() {
      return Optional.empty();
    }

    /**
     * A session opened between {@code after} and {@code within}; its change contains each {@code
     * diff} text, or with {@code exactly} is those lines and no other (as {@code sherlock plan}
     * prints them).
     */
    record SessionOpened(
        String policy,
        String service,
        Optional<Duration> within,
        Optional<Duration> after,
        List<String> diff,
        Optional<Boolean> exactly)
        implements Expectation {
      public SessionOpened {
        diff = diff == null ? List.of() : List.copyOf(diff);
      }

      /** Whether the diff lines are the whole change, each one line of it. */
      public boolean exact() {
        return exactly.orElse(false);
      }

      @Override
      public Optional<String> policyName() {
        return Optional.of(policy);
      }

      @Override
      public Optional<String> serviceName() {
        return Optional.of(service);
      }

      @Override
      public Optional<Duration> window() {
        return within;
      }
    }

    /** No session of the policy opened on the service. */
    record NoSession(String policy, String service) implements Expectation {
      @Override
      public Optional<String> policyName() {
        return Optional.of(policy);
      }

      @Override
      public Optional<String> serviceName() {
        return Optional.of(service);
      }
    }

    /** The policy's trigger fired and was suppressed, for a reason containing {@code reason}. */
    record Suppressed(String policy, String service, Optional<String> reason)
        implements Expectation {
      @Override
      public Optional<String> policyName() {
        return Optional.of(policy);
      }

      @Override
      public Optional<String> serviceName() {
        return Optional.of(service);
      }
    }

    /**
     * The service (by name, or as {@code cluster/name}) is back on its own revision ({@code to})
     * within the window.
     */
    record Reverted(String service, Optional<String> to, Optional<Duration> within)
        implements Expectation {
      @Override
      public Optional<String> policyName() {
        return Optional.empty();
      }

      /** The service's name, as findings name it. */
      @Override
      public Optional<String> serviceName() {
        return Optional.of(service.substring(service.lastIndexOf('/') + 1));
      }

      @Override
      public Optional<Duration> window() {
        return within;
      }
    }

    /** A finding of the kind, with the policy, service and text given, is present (or absent). */
    record FindingPresent(
        String kind,
        Optional<String> policy,
        Optional<String> service,
        Optional<String> contains,
        Optional<Boolean> absent)
        implements Expectation {
      @Override
      public Optional<String> policyName() {
        return policy;
      }

      @Override
      public Optional<String> serviceName() {
        return service;
      }
    }

    /** A snapshot holds a part whose content contains {@code contains}. */
    record SnapshotHolds(
        Optional<String> policy, Optional<String> service, String part, String contains)
        implements Expectation {
      @Override
      public Optional<String> policyName() {
        return policy;
      }

      @Override
      public Optional<String> serviceName() {
        return service;
      }
    }
  }
}
