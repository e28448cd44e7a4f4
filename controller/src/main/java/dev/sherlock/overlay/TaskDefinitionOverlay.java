package dev.sherlock.overlay;

import dev.sherlock.aws.SdkJson;
import dev.sherlock.policy.Action;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LogConfiguration;
import software.amazon.awssdk.services.ecs.model.PortMapping;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * Builds the registration of an overlay revision: a faithful copy of every field of the base
 * revision (secrets, volumes, log configuration, runtime platform, roles - which are never changed)
 * plus the overlay's environment and sidecars, tagged so that Sherlock can recognise its own
 * revisions and find their base again after a crash.
 */
public final class TaskDefinitionOverlay {
  public static final String TAG_MANAGED = "sherlock:managed";
  public static final String TAG_BASE = "sherlock:base";
  public static final String TAG_SESSION = "sherlock:session";
  public static final String TAG_OVERLAY = "sherlock:overlay";
  public static final String TAG_POLICIES = "sherlock:policies";
  public static final String TAG_EXPIRES = "sherlock:expires";

  /**
   * Whose overlay a revision carries: session ids, and - so that state can be rebuilt from ECS
   * alone if the store is lost - their policies and the latest expiry.
   */
  public record Ownership(
      List<String> sessions, List<String> policies, Optional<java.time.Instant> expires) {
    public static Ownership of(String session) {
      return new Ownership(List.of(session), List.of(), Optional.empty());
    }
  }

  private TaskDefinitionOverlay() {}

  /** The registration of the overlay revision, and what could not be applied. */
  public record Result(RegisterTaskDefinitionRequest request, List<String> problems) {}

  /** Registering {@code base} again, unchanged: the "before" of every diff. */
  public static RegisterTaskDefinitionRequest asRegistration(TaskDefinition base, List<Tag> tags) {
    RegisterTaskDefinitionRequest.Builder builder = RegisterTaskDefinitionRequest.builder();
    SdkJson.copyMatchingFields(base, (software.amazon.awssdk.core.SdkPojo) builder);
    if (!tags.isEmpty()) {
      builder.tags(tags);
    }
    return builder.build();
  }

  /**
   * @param owners the sessions whose merged overlay this is, for the tags
   */
  public static Result apply(
      TaskDefinition base, List<Tag> baseTags, Overlay overlay, Ownership owners) {
    List<String> problems = new ArrayList<>();
    Map<String, ContainerDefinition> containers = new LinkedHashMap<>();
    base.containerDefinitions().forEach(c -> containers.put(c.name(), c));

    overlay
        .environment()
        .forEach(
            (name, variables) -> {
              ContainerDefinition container = containers.get(name);
              if (container == null) {
                problems.add(
                    "container '%s' is not in task definition %s (it has: %s)"
                        .formatted(name, revisionOf(base), String.join(", ", containers.keySet())));
              } else {
                containers.put(name, withEnvironment(container, variables));
              }
            });
    Optional<LogConfiguration> logs = awslogsOf(base);
    for (Action.AttachSidecar sidecar : overlay.sidecars()) {
      if (containers.containsKey(sidecar.name())) {
        problems.add(
            "sidecar '%s' clashes with container '%s' of %s; not attached"
                .formatted(sidecar.name(), sidecar.name(), revisionOf(base)));
      } else {
        containers.put(sidecar.name(), sidecarContainer(sidecar, logs));
      }
    }
    checkTaskMemory(base, containers.values(), problems);

    List<Tag> tags = new ArrayList<>();
    baseTags.stream().filter(t -> !t.key().startsWith("sherlock:")).forEach(tags::add);
    tags.add(tag(TAG_MANAGED, "true"));
    tags.add(tag(TAG_BASE, base.taskDefinitionArn()));
    tags.add(tag(TAG_SESSION, String.join(",", owners.sessions())));
    tags.add(tag(TAG_OVERLAY, hash(overlay)));
    if (!owners.policies().isEmpty()) {
      tags.add(tag(TAG_POLICIES, String.join(",", owners.policies())));
    }
    owners.expires().ifPresent(e -> tags.add(tag(TAG_EXPIRES, e.toString())));

    RegisterTaskDefinitionRequest request =
        asRegistration(base, List.of()).toBuilder()
            .containerDefinitions(List.copyOf(containers.values()))
            .tags(tags)
            .build();
    return new Result(request, problems);
  }

  /** A short, stable fingerprint of an overlay, so an unchanged overlay is never re-registered. */
  public static String hash(Overlay overlay) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] digest = sha.digest(canonical(overlay).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static String canonical(Overlay overlay) {
    StringBuilder out = new StringBuilder();
    new java.util.TreeMap<>(overlay.environment())
        .forEach((c, vars) -> out.append("env:").append(c).append(new java.util.TreeMap<>(vars)));
    overlay.sidecars().forEach(s -> out.append("sidecar:").append(s));
    out.append("exec:").append(overlay.executeCommand());
    out.append("min:").append(overlay.minCapacity().orElse(0));
    return out.toString();
  }

  private static ContainerDefinition withEnvironment(
      ContainerDefinition container, Map<String, String> variables) {
    Map<String, String> environment = new LinkedHashMap<>();
    container.environment().forEach(kv -> environment.put(kv.name(), kv.value()));
    environment.putAll(variables);
    return container.toBuilder().environment(keyValues(environment)).build();
  }

  private static ContainerDefinition sidecarContainer(
      Action.AttachSidecar sidecar, Optional<LogConfiguration> logs) {
    ContainerDefinition.Builder container =
        ContainerDefinition.builder()
            .name(sidecar.name())
            .image(sidecar.image())
            .essential(sidecar.essential().orElse(false));
    sidecar.cpu().ifPresent(container::cpu);
    sidecar.memory().ifPresent(container::memory);
    sidecar.memoryReservation().ifPresent(container::memoryReservation);
    if (!sidecar.portMappings().isEmpty()) {
      container.portMappings(
          sidecar.portMappings().stream()
              .map(
                  p ->
                      PortMapping.builder()
                          .containerPort(p.containerPort())
                          .protocol(p.protocol().orElse("tcp"))
                          .build())
              .toList());
    }
    if (!sidecar.environment().isEmpty()) {
      container.environment(keyValues(new java.util.TreeMap<>(sidecar.environment())));
    }
    if (!sidecar.command().isEmpty()) {
      container.command(sidecar.command());
    }
    // The sidecar logs where the app logs, under its own stream prefix, so responders find it.
    logs.ifPresent(
        l -> {
          Map<String, String> options = new LinkedHashMap<>(l.options());
          options.put("awslogs-stream-prefix", "sherlock");
          container.logConfiguration(
              LogConfiguration.builder().logDriver(l.logDriver()).options(options).build());
        });
    return container.build();
  }

  private static Optional<LogConfiguration> awslogsOf(TaskDefinition base) {
    return base.containerDefinitions().stream()
        .map(ContainerDefinition::logConfiguration)
        .filter(l -> l != null && "awslogs".equals(l.logDriverAsString()))
        .findFirst();
  }

  /** ECS rejects containers whose memory exceeds the task's: say so before registering. */
  private static void checkTaskMemory(
      TaskDefinition base, Iterable<ContainerDefinition> containers, List<String> problems) {
    if (base.memory() == null || !base.memory().matches("[0-9]+")) {
      return;
    }
    int taskMemory = Integer.parseInt(base.memory());
    int sum = 0;
    for (ContainerDefinition c : containers) {
      Integer memory = c.memoryReservation() != null ? c.memoryReservation() : c.memory();
      sum += memory == null ? 0 : memory;
    }
    if (sum > taskMemory) {
      problems.add(
          "containers reserve %d MiB but the task has %d MiB; ECS would reject the revision"
              .formatted(sum, taskMemory));
    }
  }

  private static List<KeyValuePair> keyValues(Map<String, String> variables) {
    return variables.entrySet().stream()
        .map(e -> KeyValuePair.builder().name(e.getKey()).value(e.getValue()).build())
        .toList();
  }

  private static Tag tag(String key, String value) {
    return Tag.builder().key(key).value(value).build();
  }

  /** The value of one of a revision's tags. */
  public static Optional<String> tag(
      software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse definition,
      String key) {
    return definition.tags().stream().filter(t -> t.key().equals(key)).map(Tag::value).findFirst();
  }

  public static String revisionOf(TaskDefinition definition) {
    return definition.family() + ":" + definition.revision();
  }
}
