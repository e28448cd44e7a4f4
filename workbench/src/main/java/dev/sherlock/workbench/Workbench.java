package dev.sherlock.workbench;

import dev.sherlock.Sherlock;
import dev.sherlock.workbench.policytest.TestCommand;
import dev.sherlock.workbench.replay.ReplayCommand;
import java.util.List;

/**
 * The repository's {@code ./sherlock}: every command of the product, plus {@code demo}, {@code
 * sandbox}, {@code test} and {@code replay}, which run the local ECS sandbox. The container image
 * runs {@link Sherlock} instead and carries none of the sandbox (ElasticMQ, Pekko, Scala).
 */
public final class Workbench {
  private Workbench() {}

  public static void main(String[] args) {
    System.exit(
        Sherlock.execute(
            List.of(
                DemoCommand.class, SandboxCommand.class, TestCommand.class, ReplayCommand.class),
            args));
  }
}
