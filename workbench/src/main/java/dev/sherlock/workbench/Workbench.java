package dev.sherlock.workbench;

import dev.sherlock.Sherlock;
import dev.sherlock.workbench.policytest.TestCommand;
import java.util.List;

/**
 * The repository's {@code ./sherlock}: every command of the product, plus {@code demo}, {@code
 * sandbox} and {@code test}, which run the local ECS sandbox. The container image runs {@link
 * Sherlock} instead and carries none of the sandbox (ElasticMQ, Pekko, Scala).
 */
public final class Workbench {
  private Workbench() {}

  public static void main(String[] args) {
    System.exit(
        Sherlock.execute(
            List.of(DemoCommand.class, SandboxCommand.class, TestCommand.class), args));
  }
}
