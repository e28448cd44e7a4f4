package dev.sherlock.ha;

import java.util.Optional;

/** The one replica of an embedded store: it acts from the start, and nothing can take that away. */
public final class SoleReplica implements Leadership {
  private final String replica;

  public SoleReplica(String replica) {
    this.replica = replica;
  }

  @Override
  public Role role() {
    return Role.SOLE;
  }

  @Override
  public String replica() {
    return replica;
  }

  @Override
  public Optional<String> holder() {
    return Optional.of(replica);
  }

  @Override
  public boolean mayAct() {
    return true;
  }

  @Override
  public void start(java.util.function.IntConsumer acquired, Runnable lost) {
    acquired.accept(0);
  }

  @Override
  public void stop() {}
}
