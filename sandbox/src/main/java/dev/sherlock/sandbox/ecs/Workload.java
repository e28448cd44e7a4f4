package dev.sherlock.sandbox.ecs;

import java.time.Instant;
import java.util.Optional;

/**
 * What runs inside tasks, as far as ECS can tell: whether an image can be pulled, and when an
 * essential container exits on its own. The workload simulator implements it; ECS reacts.
 */
public interface Workload {
  /** A container that exited by itself, with the code and reason ECS records. */
  record Exit(String container, int exitCode, String reason) {}

  boolean canPull(String image);

  /** A task reached RUNNING: its app starts. */
  void started(EcsTask task, Instant now);

  /** Whether an essential container of a running task has exited by {@code now}. */
  Optional<Exit> exited(EcsTask task, Instant now);

  /** A task stopped: its app is gone. */
  void stopped(EcsTask task, Instant now);

  Workload NONE =
      new Workload() {
        @Override
        public boolean canPull(String image) {
          return true;
        }

        @Override
        public void started(EcsTask task, Instant now) {}

        @Override
        public Optional<Exit> exited(EcsTask task, Instant now) {
          return Optional.empty();
        }

        @Override
        public void stopped(EcsTask task, Instant now) {}
      };
}
