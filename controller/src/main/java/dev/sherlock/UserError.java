package dev.sherlock;

import java.util.Optional;

/**
 * A problem the user can fix - a missing region, no credentials, an unreachable endpoint, a queue
 * not installed - with a message that says how. The command line prints the message as one line and
 * exits 1, wherever the error surfaced (Micronaut wraps errors raised while building beans).
 */
public final class UserError extends RuntimeException {
  public UserError(String message) {
    super(message, null, false, false);
  }

  /** The user error somewhere in {@code e}'s chain of causes. */
  public static Optional<UserError> in(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UserError mistake) {
        return Optional.of(mistake);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return Optional.empty();
  }

  /**
   * One line about an unexpected error: the innermost cause's message (the outer ones are
   * frameworks' wrappers), never a stack trace.
   */
  public static String oneLine(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message =
        root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
