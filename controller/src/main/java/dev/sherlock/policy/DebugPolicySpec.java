package dev.sherlock.policy;

import java.util.List;

/** What a policy watches ({@link Target}), what fires it and what its sessions do. */
public record DebugPolicySpec(
    Target target,
    List<Trigger> triggers,
    List<Action> actions,
    SessionSettings session,
    Mode mode) {
  public DebugPolicySpec {
    triggers = List.copyOf(triggers);
    actions = List.copyOf(actions);
    session = session == null ? SessionSettings.DEFAULT : session;
    mode = mode == null ? Mode.ENFORCE : mode;
  }
}
