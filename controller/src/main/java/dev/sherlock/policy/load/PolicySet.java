package dev.sherlock.policy.load;

import dev.sherlock.policy.DebugPolicy;
import dev.sherlock.policy.DebugSession;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of loading policy files: the documents that are valid, and every problem found. A
 * document with a problem is not among the valid ones; the others keep working.
 */
public record PolicySet(List<LoadedDocument> documents, List<Diagnostic> problems) {
  public PolicySet {
    documents = List.copyOf(documents);
    problems = problems.stream().sorted(Diagnostic.BY_POSITION).toList();
  }

  public boolean isValid() {
    return problems.isEmpty();
  }

  public List<DebugPolicy> policies() {
    return documents.stream()
        .map(LoadedDocument::model)
        .filter(DebugPolicy.class::isInstance)
        .map(DebugPolicy.class::cast)
        .toList();
  }

  public List<DebugSession> sessions() {
    return documents.stream()
        .map(LoadedDocument::model)
        .filter(DebugSession.class::isInstance)
        .map(DebugSession.class::cast)
        .toList();
  }

  public Optional<DebugPolicy> policy(String name) {
    return policies().stream().filter(p -> p.name().equals(name)).findFirst();
  }
}
