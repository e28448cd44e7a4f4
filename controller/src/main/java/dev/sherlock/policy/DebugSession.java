package dev.sherlock.policy;

/**
 * A debug session declared in git or opened by hand during an incident: it runs the actions of the
 * policy it names on exactly one service, for its duration (or the policy's session duration).
 */
public record DebugSession(String apiVersion, String kind, Metadata metadata, DebugSessionSpec spec)
    implements PolicyDocument {
  public static final String KIND = "DebugSession";

  public String name() {
    return metadata.name();
  }
}
