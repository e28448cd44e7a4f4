package dev.sherlock.source.git;

import java.time.Instant;

/**
 * A commit the policies came from, as findings and the API name it.
 *
 * @param id the full object id
 * @param author who wrote it, {@code Name <email>}
 * @param time when it was authored
 * @param message its first line
 */
public record GitCommit(String id, String author, Instant time, String message) {
  /** The seven characters people quote. */
  public String shortId() {
    return id.substring(0, Math.min(7, id.length()));
  }
}
