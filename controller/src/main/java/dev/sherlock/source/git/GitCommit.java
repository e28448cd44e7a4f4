package dev.sherlock.source.git;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
  /**
   * The commit as JSON, its id under {@code idKey}: {@code commit} in a finding's evidence (beside
   * other keys), {@code id} in the API's own commit objects.
   */
  public ObjectNode json(String idKey) {
    return JsonNodeFactory.instance
        .objectNode()
        .put(idKey, id)
        .put("author", author)
        .put("authoredAt", time.toString())
        .put("message", message);
  }

  /** The seven characters people quote. */
  public String shortId() {
    return id.substring(0, Math.min(7, id.length()));
  }
}
