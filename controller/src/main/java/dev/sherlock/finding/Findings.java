package dev.sherlock.finding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.metrics.SherlockMetrics;
import dev.sherlock.snapshot.Redaction;
import dev.sherlock.source.PolicyCommit;
import dev.sherlock.store.FindingStore;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Records findings: stored first (a finding is never lost because a listener failed), then logged
 * as one JSON line on the {@code sherlock.findings} logger, then handed to listeners (the demo's
 * timeline, publication).
 */
@Singleton
public final class Findings {
  private static final Logger LOG = LoggerFactory.getLogger("sherlock.findings");

  /** Findings that need a person's eyes are logged as warnings. */
  private static final Set<FindingKind> WARNINGS =
      EnumSet.of(FindingKind.Error, FindingKind.PolicyRejected, FindingKind.SessionFailed);

  private final FindingStore store;
  private final Clock clock;
  private final List<Consumer<Finding>> listeners = new CopyOnWriteArrayList<>();

  private final SherlockMetrics metrics;
  private final PolicyCommit policyCommit;

  public Findings(
      FindingStore store, Clock clock, SherlockMetrics metrics, PolicyCommit policyCommit) {
    this.store = store;
    this.clock = clock;
    this.metrics = metrics;
    this.policyCommit = policyCommit;
  }

  /** Where a finding belongs: service, policy and session, any of them absent. */
  public record Subject(
      Optional<String> cluster,
      Optional<String> service,
      Optional<String> policy,
      Optional<String> session) {
    public static final Subject NONE =
        new Subject(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    public static Subject of(String cluster, String service, String policy, String session) {
      return new Subject(
          Optional.ofNullable(cluster),
          Optional.ofNullable(service),
          Optional.ofNullable(policy),
          Optional.ofNullable(session));
    }
  }

  /**
   * Records a finding. Its summary and evidence pass through {@link Redaction} here, the one path
   * every finding takes, so no caller can forget it: what is stored, logged, served and published
   * is the redacted text.
   */
  public Finding record(
      FindingKind kind, Subject subject, String rawSummary, JsonNode rawEvidence) {
    String summary = Redaction.text(rawSummary);
    JsonNode evidence = rawEvidence == null ? null : Redaction.json(rawEvidence.deepCopy());
    Optional<String> commit = policyCommit.id();
    if (commit.isPresent() && (evidence == null || evidence.isObject())) {
      // Where the policies in force came from, on every finding: "which commit did this?"
      ObjectNode stamped =
          evidence == null ? JsonNodeFactory.instance.objectNode() : (ObjectNode) evidence;
      if (!stamped.has(POLICY_COMMIT)) {
        stamped.put(POLICY_COMMIT, commit.get());
      }
      evidence = stamped;
    }
    Finding finding =
        new Finding(
            UUID.randomUUID().toString(),
            clock.instant(),
            kind,
            subject.cluster(),
            subject.service(),
            subject.policy(),
            subject.session(),
            summary,
            evidence == null ? JsonNodeFactory.instance.objectNode() : evidence);
    store.append(finding);
    metrics.finding(kind).increment();
    if (LOG.isInfoEnabled()) {
      // The line carries the finding without its evidence (a snapshot can be 256 KiB); the API
      // serves the whole of it by id.
      ObjectNode line = FindingJson.of(finding);
      line.remove("evidence");
      LOG.atLevel(WARNINGS.contains(kind) ? Level.WARN : Level.INFO)
          .setMessage("{} {}")
          .addArgument(kind)
          .addArgument(summary)
          .addKeyValue("finding", line)
          .log();
    }
    for (Consumer<Finding> listener : listeners) {
      try {
        listener.accept(finding);
      } catch (RuntimeException e) {
        LOG.warn("a findings listener failed; the finding is stored", e);
      }
    }
    return finding;
  }

  /** The evidence field that names the policy commit in force. */
  public static final String POLICY_COMMIT = "policyCommit";

  public Finding record(FindingKind kind, Subject subject, String summary) {
    return record(kind, subject, summary, null);
  }

  /** Calls {@code listener} with each finding recorded from now on; closing stops it. */
  public AutoCloseable listen(Consumer<Finding> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  public static ObjectNode evidence() {
    return JsonNodeFactory.instance.objectNode();
  }
}
