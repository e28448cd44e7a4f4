package dev.sherlock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sherlock.CommandLineRun;
import dev.sherlock.RepoFiles;
import org.junit.jupiter.api.Test;

/**
 * {@code sherlock demo} as a newcomer runs it, only faster: the story completes - LOGLEVEL=DEBUG
 * rolled out, the X-Ray sidecar and ECS Exec added on the crash loop, everything reverted - and the
 * command exits 0.
 */
class DemoCommandIT {

  @Test
  void theLikeServiceStoryRunsToItsEnd() {
    CommandLineRun run =
        CommandLineRun.of(
            "demo", "--speed", "120", "--for", "3m", "--policies", RepoFiles.policies().toString());

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.out())
        .contains(
            "SessionOpened    session git-inc-4711 of like-latency-debug-logs opened on like-service")
        .contains("evidence in /ecs/mysfits/like-service at DEBUG: WARN: chaos mode injected")
        .contains("TriggerFired     crashloop-exec fired on like-service")
        .contains(
            "TriggerFired     like-cpu-metadata-proxy fired on like-service: AWS/ECS CPUUtilization Average above 80 for 5m")
        .contains("Snapshot         snapshot of like-service: tasks, metrics, taskStats")
        .containsPattern("task [0-9a-f]{8} container like-service: CPU 9\\d\\.\\d%")
        .contains("+ container xray-daemon (image public.ecr.aws/xray/aws-xray-daemon:3.3.7")
        .contains("ECS Exec on")
        .contains("ActionReverted   like-service back on like-service:1")
        .contains("Story complete after")
        .containsPattern("HTTP API on http://127\\.0\\.0\\.1:\\d+");
    assertThat(run.err()).isEmpty();
  }
}
