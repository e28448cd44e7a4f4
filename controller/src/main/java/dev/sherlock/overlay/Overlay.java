package dev.sherlock.overlay;

import dev.sherlock.policy.Action;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What debug sessions add on top of a service's own configuration: environment variables per
 * container, sidecar containers, ECS Exec, and a capacity floor. Built from a policy's actions;
 * several overlays merge in a fixed order (see {@link #merge}) so the result never depends on
 * timing.
 */
public record Overlay(
    Map<String, Map<String, String>> environment,
    List<Action.AttachSidecar> sidecars,
    boolean executeCommand,
    Optional<Integer> minCapacity) {
  public static final Overlay NONE = new Overlay(Map.of(), List.of(), false, Optional.empty());

  public Overlay {
    Map<String, Map<String, String>> copy = new LinkedHashMap<>();
    environment.forEach((k, v) -> copy.put(k, java.util.Collections.unmodifiableMap(v)));
    environment = java.util.Collections.unmodifiableMap(copy);
    sidecars = List.copyOf(sidecars);
  }

  /** The overlay of one policy's actions (snapshots change nothing, so they add nothing). */
  public static Overlay of(List<Action> actions) {
    Map<String, Map<String, String>> environment = new LinkedHashMap<>();
    List<Action.AttachSidecar> sidecars = new ArrayList<>();
    boolean exec = false;
    Optional<Integer> capacity = Optional.empty();
    for (Action action : actions) {
      switch (action) {
        case Action.SetEnvironment env ->
            environment
                .computeIfAbsent(env.container(), c -> new LinkedHashMap<>())
                .putAll(new java.util.TreeMap<>(env.variables()));
        case Action.AttachSidecar sidecar -> sidecars.add(sidecar);
        case Action.EnableExecuteCommand ignored -> exec = true;
        case Action.ScaleCapacity scale ->
            capacity = Optional.of(Math.max(capacity.orElse(0), scale.minAtLeast()));
        case Action.CaptureSnapshot ignored -> {}
        case Action.CaptureStatusPage ignored -> {}
        case Action.EnableContainerInsights ignored -> {} // the cluster's, not the service's
      }
    }
    return new Overlay(environment, sidecars, exec, capacity);
  }

  public boolean isEmpty() {
    return environment.isEmpty() && sidecars.isEmpty() && !executeCommand && minCapacity.isEmpty();
  }

  /** Whether the task definition changes (environment or sidecars), not just the service. */
  public boolean changesTaskDefinition() {
    return !environment.isEmpty() || !sidecars.isEmpty();
  }

  /**
   * Merges overlays given in precedence order (the caller orders sessions by opening time, then
   * id): for a variable or sidecar name set by several, the first wins and the others are reported
   * as conflicts; ECS Exec is on if any asks; the capacity floor is the highest.
   */
  public static Merged merge(List<Overlay> overlays) {
    Map<String, Map<String, String>> environment = new LinkedHashMap<>();
    Map<String, Action.AttachSidecar> sidecars = new LinkedHashMap<>();
    List<String> conflicts = new ArrayList<>();
    boolean exec = false;
    Optional<Integer> capacity = Optional.empty();
    for (Overlay overlay : overlays) {
      overlay.environment.forEach(
          (container, variables) -> {
            Map<String, String> merged =
                environment.computeIfAbsent(container, c -> new LinkedHashMap<>());
            variables.forEach(
                (name, value) -> {
                  String kept = merged.putIfAbsent(name, value);
                  if (kept != null && !kept.equals(value)) {
                    conflicts.add(
                        "%s of container %s: keeping %s, not %s"
                            .formatted(name, container, kept, value));
                  }
                });
          });
      for (Action.AttachSidecar sidecar : overlay.sidecars) {
        Action.AttachSidecar kept = sidecars.putIfAbsent(sidecar.name(), sidecar);
        if (kept != null && !kept.equals(sidecar)) {
          conflicts.add("sidecar %s: keeping the first definition".formatted(sidecar.name()));
        }
      }
      exec |= overlay.executeCommand;
      if (overlay.minCapacity.isPresent()) {
        capacity = Optional.of(Math.max(capacity.orElse(0), overlay.minCapacity.get()));
      }
    }
    return new Merged(
        new Overlay(environment, List.copyOf(sidecars.values()), exec, capacity), conflicts);
  }

  /** A merged overlay and what could not be merged. */
  public record Merged(Overlay overlay, List<String> conflicts) {}
}
