package dev.sherlock.finding;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;

/**
 * One thing Sherlock saw or did, kept for responders and auditors: when, where (cluster, service),
 * why (policy, session), what (kind, summary) and the evidence as JSON.
 */
public record Finding(
    String id,
    Instant time,
    FindingKind kind,
    Optional<String> cluster,
    Optional<String> service,
    Optional<String> policy,
    Optional<String> session,
    String summary,
    JsonNode evidence) {}
