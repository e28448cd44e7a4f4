package dev.sherlock.policy;

/**
 * A platform team's debugging policy: which services it watches, what opens a session on them and
 * what a session does. Instances are only made by {@link dev.sherlock.policy.load.PolicyLoader},
 * after the document validated against {@code crds-yaml/debugpolicy.schema.yaml}.
 */
public record DebugPolicy(String apiVersion, String kind, Metadata metadata, DebugPolicySpec spec)
    implements PolicyDocument {
  public static final String KIND = "DebugPolicy";

  public String name() {
    return metadata.name();
  }
}
