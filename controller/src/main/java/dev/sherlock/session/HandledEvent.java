package dev.sherlock.session;

import java.time.Instant;
import java.util.Optional;

/**
 * An ECS event whose handling a later event depends on: it fired a trigger, or it counted toward a
 * crash loop. Kept in the store so that the replica that takes over knows it - a redelivered copy
 * is recognised, a task's stale state change is still stale, and a crash loop's count goes on where
 * it was - rather than starting from nothing at every failover.
 *
 * @param taskArn the task a task event was about, with its {@code detail.version}
 * @param stoppedAt when a task stopped by itself (a crash), counted toward the service's crash
 *     loops
 */
public record HandledEvent(
    String id,
    Instant handledAt,
    String serviceArn,
    Optional<String> taskArn,
    long version,
    Optional<Instant> stoppedAt) {}
