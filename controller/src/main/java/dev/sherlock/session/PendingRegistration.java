package dev.sherlock.session;

import java.time.Instant;

/**
 * A revision Sherlock is about to register for a service, written before RegisterTaskDefinition and
 * cleared once the revision is recorded. Found by a replica that takes over, it says the revision
 * may exist in ECS with no record of it here - the one who registered it died first - so the
 * successor looks for it instead of registering it again.
 */
public record PendingRegistration(
    String serviceArn, String family, String base, String overlayHash, Instant at) {}
