package dev.sherlock.policy;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether a policy changes services or only records what it would change. */
public enum Mode {
  @JsonProperty("enforce")
  ENFORCE,
  @JsonProperty("dryRun")
  DRY_RUN;

  public String yamlName() {
    return this == ENFORCE ? "enforce" : "dryRun";
  }
}
