package dev.sherlock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sherlock.policy.Durations;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sherlock drain}: before an uninstall, have the running Sherlock open no more sessions and
 * end every open one, then wait until every service it touched is back on its base, printing what
 * each still waits for whenever that changes.
 */
@Command(
    name = "drain",
    description =
        "End every open session and wait until every service is back on its base (before an"
            + " uninstall). Sherlock opens no more sessions.")
public final class DrainCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin DebugCommand.Connection connection;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "15m",
      description = "Give up after this long (default: ${DEFAULT-VALUE}).")
  String timeout;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      defaultValue = "2s",
      description = "How often to ask (default: ${DEFAULT-VALUE}).")
  String interval;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Duration limit;
    Duration every;
    try {
      limit = duration("--timeout", timeout);
      every = duration("--interval", interval);
    } catch (IllegalArgumentException e) {
      err.println("sherlock drain: error: " + e.getMessage());
      return 2;
    }
    ApiClient client = connection.client();
    if (!client.hasToken()) {
      err.println("sherlock drain: error: " + DebugCommand.TOKEN_HINT);
      return 1;
    }
    try {
      ApiClient.Answer started = client.send("POST", "/api/drain", null);
      if (!started.ok()) {
        err.println("sherlock drain: error: " + started.error());
        return 1;
      }
      int ended = started.body().path("ended").size();
      out.printf(
          "draining: ended %d session%s; Sherlock opens no more%n", ended, ended == 1 ? "" : "s");
      out.flush();
      Instant deadline = Instant.now().plus(limit);
      JsonNode status = started.body();
      String said = "";
      while (!status.path("drained").asBoolean()) {
        String waiting = waiting(status);
        if (!waiting.equals(said)) {
          out.println("waiting: " + waiting);
          out.flush();
          said = waiting;
        }
        if (Instant.now().isAfter(deadline)) {
          err.printf(
              "sherlock drain: error: after %s, still waiting: %s (run it again to go on waiting)%n",
              Durations.format(limit), waiting);
          return 1;
        }
        // Never past the deadline: a long --interval does not stretch --timeout.
        Thread.sleep(
            Math.max(
                1,
                Math.min(every.toMillis(), Duration.between(Instant.now(), deadline).toMillis())));
        ApiClient.Answer answer = client.get("/api/drain");
        if (!answer.ok()) {
          err.println("sherlock drain: error: " + answer.error());
          return 1;
        }
        status = answer.body();
        if (!status.path("draining").asBoolean()) {
          // Sherlock restarted without its store (a new task): ask again, or it opens sessions.
          ApiClient.Answer again = client.send("POST", "/api/drain", null);
          if (!again.ok()) {
            err.println("sherlock drain: error: " + again.error());
            return 1;
          }
          status = again.body();
        }
      }
      int services = status.path("services").size();
      out.printf(
          "drained: %d service%s back on %s base; nothing of Sherlock's is left on them%n",
          services, services == 1 ? "" : "s", services == 1 ? "its" : "their");
      out.flush();
      return 0;
    } catch (ApiClient.Unreachable e) {
      err.println("sherlock drain: error: " + e.getMessage());
      return 1;
    }
  }

  private static Duration duration(String option, String text) {
    try {
      Duration duration = Durations.parse(text);
      if (duration.isZero()) {
        throw new IllegalArgumentException("must be more than 0s");
      }
      return duration;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
    }
  }

  /** "mysfits/like-service: a rollout is in progress; 1 session open". */
  private static String waiting(JsonNode status) {
    List<String> parts = new ArrayList<>();
    int open = status.path("openSessions").asInt();
    if (open > 0) {
      parts.add("%d session%s still open".formatted(open, open == 1 ? "" : "s"));
    }
    for (JsonNode service : status.path("services")) {
      if (!service.path("onBase").asBoolean()) {
        List<String> why = new ArrayList<>();
        service.path("waitingFor").forEach(w -> why.add(w.asText()));
        parts.add(
            "%s/%s (%s)"
                .formatted(
                    service.path("cluster").asText(),
                    service.path("service").asText(),
                    String.join(", ", why)));
      }
    }
    return parts.isEmpty() ? "the service states to settle" : String.join("; ", parts);
  }
}
