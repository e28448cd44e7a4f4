package dev.sherlock.reconcile;

import dev.sherlock.session.CapacityChange;
import dev.sherlock.session.Session;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a restart needs beyond the store, kept where ECS keeps it: two tags on the service. {@code
 * sherlock:ended} lists the sessions that ended and could open again by themselves - a trigger's
 * (its cooldown) and a DebugSession's in git - newest first, as {@code id@epochSecond}: after the
 * store is lost, a DebugSession still in git is not opened again for a full duration, and a trigger
 * keeps its cooldown. A session a person opened by hand opens again only if a person asks, so it
 * costs no tag. {@code sherlock:before} holds what Sherlock changed and must put back: the ECS Exec
 * setting and the capacity before ({@code exec=false capacity=target:1:4:2:4}). ECS tag values
 * allow letters, digits, spaces and {@code _ . : / = + - @}, at most 256 characters: the formats
 * keep to that, and the ended list keeps the newest that fit.
 */
public final class ServiceMemory {
  public static final String TAG_ENDED = "sherlock:ended";
  public static final String TAG_BEFORE = "sherlock:before";
  private static final int MAX_VALUE = 256;

  private ServiceMemory() {}

  /** A session that ended, as the tag remembers it. */
  public record Ended(String id, Instant at) {}

  /** The two tags as they should be for these sessions and changes; an absent one is removed. */
  public static Map<String, Optional<String>> tags(
      List<Session> sessionsOfService,
      Optional<Boolean> execBefore,
      Optional<CapacityChange> capacity) {
    Map<String, Optional<String>> tags = new LinkedHashMap<>();
    StringBuilder ended = new StringBuilder();
    sessionsOfService.stream()
        // A dry run changed nothing, so there is nothing of it to remember (nor a tag to write).
        .filter(s -> !s.active() && !s.dryRun() && s.endedAt().isPresent())
        .filter(s -> s.origin() != Session.Origin.MANUAL)
        .sorted(Comparator.comparing((Session s) -> s.endedAt().get()).reversed())
        .map(s -> s.id() + "@" + s.endedAt().get().getEpochSecond())
        .forEach(
            entry -> {
              if (ended.length() + entry.length() + 1 <= MAX_VALUE) {
                ended.append(ended.isEmpty() ? "" : " ").append(entry);
              }
            });
    tags.put(TAG_ENDED, ended.isEmpty() ? Optional.empty() : Optional.of(ended.toString()));
    List<String> before = new ArrayList<>();
    execBefore.ifPresent(e -> before.add("exec=" + e));
    capacity.ifPresent(
        c ->
            before.add(
                "capacity=%s:%d:%d:%d:%d"
                    .formatted(
                        c.scalableTarget() ? "target" : "desired",
                        c.floorBefore(),
                        c.maxBefore(),
                        c.desiredBefore(),
                        c.raisedTo())));
    tags.put(
        TAG_BEFORE, before.isEmpty() ? Optional.empty() : Optional.of(String.join(" ", before)));
    return tags;
  }

  /** The sessions the service's tags say ended; entries that do not parse are skipped. */
  public static List<Ended> ended(Map<String, String> serviceTags) {
    List<Ended> ended = new ArrayList<>();
    for (String entry : words(serviceTags.get(TAG_ENDED))) {
      int at = entry.lastIndexOf('@');
      try {
        ended.add(
            new Ended(
                entry.substring(0, at),
                Instant.ofEpochSecond(Long.parseLong(entry.substring(at + 1)))));
      } catch (RuntimeException e) {
        // someone edited the tag; what does not parse is not remembered
      }
    }
    return ended;
  }

  public static Optional<Boolean> execBefore(Map<String, String> serviceTags) {
    return words(serviceTags.get(TAG_BEFORE)).stream()
        .filter(w -> w.startsWith("exec="))
        .map(w -> Boolean.parseBoolean(w.substring("exec=".length())))
        .findFirst();
  }

  public static Optional<CapacityChange> capacity(Map<String, String> serviceTags) {
    for (String word : words(serviceTags.get(TAG_BEFORE))) {
      if (!word.startsWith("capacity=")) {
        continue;
      }
      String[] parts = word.substring("capacity=".length()).split(":");
      try {
        return Optional.of(
            new CapacityChange(
                parts[0].equals("target"),
                Integer.parseInt(parts[1]),
                Integer.parseInt(parts[2]),
                Integer.parseInt(parts[3]),
                Integer.parseInt(parts[4])));
      } catch (RuntimeException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static List<String> words(String value) {
    return value == null || value.isBlank() ? List.of() : List.of(value.trim().split(" +"));
  }
}
