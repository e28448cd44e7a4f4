package dev.sherlock.source;

import dev.sherlock.source.git.GitCommit;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The commit of the policy repository whose policies are in force, for every finding and session to
 * record where its policy came from. Empty when the policies come from a directory.
 */
@Singleton
public final class PolicyCommit {
  private final AtomicReference<Optional<GitCommit>> current =
      new AtomicReference<>(Optional.empty());

  public Optional<GitCommit> current() {
    return current.get();
  }

  public Optional<String> id() {
    return current.get().map(GitCommit::id);
  }

  void set(GitCommit commit) {
    current.set(Optional.of(commit));
  }
}
