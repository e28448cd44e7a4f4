package dev.sherlock;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths in the repository, for tests that check its own files (policies/, crds-yaml/). */
public final class RepoFiles {
  private RepoFiles() {}

  /** The repository root: the nearest ancestor of the working directory holding policies/. */
  public static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("policies"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("not inside the Sherlock repository");
    }
    return dir;
  }

  public static Path policies() {
    return root().resolve("policies");
  }

  public static Path exampleState() {
    return root().resolve("policies/state/mysfits.json");
  }
}
