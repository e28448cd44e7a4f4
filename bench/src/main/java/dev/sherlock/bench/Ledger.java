package dev.sherlock.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/** The sandbox's call ledger: what every caller asked of AWS, counted by the other side. */
final class Ledger {
  private final Http sandbox;

  Ledger(String endpoint) {
    this.sandbox = new Http(endpoint, null);
  }

  void reset() throws IOException, InterruptedException {
    sandbox.send("POST", "/_sandbox/calls/reset", null);
  }

  /** ECS calls since the last reset, by operation ("DescribeServices" -> 12), any outcome. */
  Map<String, Long> ecs() throws IOException, InterruptedException {
    Map<String, Long> byOperation = new TreeMap<>();
    for (JsonNode call : sandbox.get("/_sandbox/calls").path("calls")) {
      if (call.path("service").asText().equals("ecs")) {
        byOperation.merge(call.path("operation").asText(), call.path("count").asLong(), Long::sum);
      }
    }
    return byOperation;
  }

  /** ECS calls since the last reset by operation and outcome ("RegisterTaskDefinition ok"). */
  Map<String, Long> ecsOutcomes() throws IOException, InterruptedException {
    Map<String, Long> byOutcome = new TreeMap<>();
    for (JsonNode call : sandbox.get("/_sandbox/calls").path("calls")) {
      if (call.path("service").asText().equals("ecs")) {
        byOutcome.merge(
            call.path("operation").asText() + " " + call.path("outcome").asText(),
            call.path("count").asLong(),
            Long::sum);
      }
    }
    return byOutcome;
  }

  static long total(Map<String, Long> byOperation) {
    return byOperation.values().stream().mapToLong(Long::longValue).sum();
  }
}
