package dev.sherlock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.policy.Durations;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sherlock debug list|open|extend|end}: sessions by hand, through a running Sherlock's API.
 * Mutating calls need the API token ({@code --token} or {@code SHERLOCK_API_TOKEN}).
 */
@Command(
    name = "debug",
    description = "Open, extend, end or list debug sessions by hand (through Sherlock's API).",
    subcommands = {
      DebugCommand.List.class,
      DebugCommand.Open.class,
      DebugCommand.Extend.class,
      DebugCommand.End.class
    })
public final class DebugCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** What every debug subcommand shares: where the API is and the token. */
  static class Connection {
    @Option(
        names = "--api",
        defaultValue = ApiClient.DEFAULT_URL,
        description = "Sherlock's API (default: ${DEFAULT-VALUE}).")
    String api;

    @Option(names = "--token", description = "The API token (default: $SHERLOCK_API_TOKEN).")
    Optional<String> token;

    ApiClient client() {
      return new ApiClient(api, token);
    }
  }

  static final String TOKEN_HINT =
      "this needs the API token: pass --token T or export SHERLOCK_API_TOKEN (the token `sherlock"
          + " run` reads from --token-file or SHERLOCK_API_TOKEN, or the one `sherlock demo` prints)";

  /** Runs one API call and prints the answer; exit 0 on 2xx, 1 otherwise. */
  abstract static class Call implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin Connection connection;

    abstract ApiClient.Answer call(ApiClient client) throws ApiClient.Unreachable;

    /** Whether the call changes something, and so needs the token. */
    boolean mutates() {
      return true;
    }

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      ApiClient client = connection.client();
      if (mutates() && !client.hasToken()) {
        err.printf("sherlock debug %s: error: %s%n", spec.name(), TOKEN_HINT);
        return 1;
      }
      try {
        ApiClient.Answer answer = call(client);
        if (!answer.ok()) {
          err.printf(
              "sherlock debug %s: error: %s%n",
              spec.name(),
              answer.status() == 401 ? answer.error() + " (" + TOKEN_HINT + ")" : answer.error());
          return 1;
        }
        print(answer.body(), out);
        return 0;
      } catch (ApiClient.Unreachable e) {
        err.printf("sherlock debug %s: error: %s%n", spec.name(), e.getMessage());
        return 1;
      }
    }

    void print(JsonNode body, PrintWriter out) {
      line(body, out);
    }

    static void line(JsonNode s, PrintWriter out) {
      out.printf(
          "%-14s %-8s %-26s %-24s until %s  %s%n",
          s.path("id").asText(),
          s.path("state").asText(),
          s.path("cluster").asText() + "/" + s.path("service").asText(),
          s.path("policy").asText(),
          s.path("expiresAt").asText(),
          s.path("reason").asText());
      out.flush();
    }
  }

  @Command(name = "list", description = "Sessions, newest first.")
  static final class List extends Call {
    @Option(
        names = "--output",
        defaultValue = "text",
        description = "text or json (one session per line).")
    OutputFormat output;

    @Override
    boolean mutates() {
      return false;
    }

    @Override
    ApiClient.Answer call(ApiClient client) throws ApiClient.Unreachable {
      return client.get("/api/sessions");
    }

    @Override
    void print(JsonNode body, PrintWriter out) {
      if (output == OutputFormat.json) {
        body.path("sessions").forEach(out::println);
        out.flush();
      } else {
        body.path("sessions").forEach(s -> line(s, out));
      }
    }
  }

  @Command(
      name = "open",
      description =
          "Open a session running a policy's actions on one service, or on every service whose"
              + " name matches --services (a fleet, under the budget you set for it).")
  static final class Open extends Call {
    @Option(names = "--policy", required = true)
    String policy;

    @Option(names = "--cluster", required = true)
    String cluster;

    /** One service, or a glob of services: exactly one of the two. */
    static final class Where {
      @Option(names = "--service", required = true, description = "One service.")
      String service;

      @Option(
          names = "--services",
          required = true,
          description = "A glob of service names, e.g. 'like-*': one session per match.")
      String services;
    }

    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Where where;

    @Option(
        names = "--max-sessions",
        description = "With --services (required): the most sessions this request may open.")
    Optional<Integer> maxSessions;

    @Option(
        names = "--changes-per-hour",
        description = "With --services: the fleet's budget of changes (default: 2 per session).")
    Optional<Integer> changesPerHour;

    @Option(
        names = "--no-wait",
        description = "With --services: return once opened, without following the rollout.")
    boolean noWait;

    @Option(names = "--duration", description = "Default: the policy's session duration.")
    Optional<String> duration;

    @Option(names = "--reason", required = true, description = "Why, e.g. an incident id.")
    String reason;

    @Override
    ApiClient.Answer call(ApiClient client) throws ApiClient.Unreachable {
      ObjectNode body =
          JsonNodeFactory.instance
              .objectNode()
              .put("policy", policy)
              .put("cluster", cluster)
              .put("reason", reason);
      if (where.service != null) {
        body.put("service", where.service);
      } else {
        body.put("services", where.services);
        maxSessions.ifPresent(n -> body.put("maxSessions", n));
        changesPerHour.ifPresent(n -> body.put("changesPerHour", n));
      }
      duration.ifPresent(d -> body.put("duration", d));
      return client.send("POST", "/api/sessions", body.toString());
    }

    @Override
    void print(JsonNode body, PrintWriter out) {
      if (!body.has("fleet")) {
        line(body, out);
        return;
      }
      int opened = body.path("sessions").size();
      out.printf(
          "fleet %s: %d session%s of %s opened on %s/%s%n",
          body.path("fleet").asText(),
          opened,
          opened == 1 ? "" : "s",
          body.path("policy").asText(),
          cluster,
          body.path("services").asText());
      body.path("sessions").forEach(s -> line(s, out));
      body.path("refused")
          .forEach(
              r ->
                  out.printf(
                      "refused on %s: %s%n", r.path("service").asText(), r.path("why").asText()));
      out.flush();
      if (!noWait) {
        follow(body.path("fleet").asText(), out);
      }
    }

    /**
     * Prints the fleet's progress whenever it changes - n of N applied, and the time left as the
     * budget grants it now - until no session waits; Ctrl-C stops following, not the sessions.
     */
    private void follow(String fleet, PrintWriter out) {
      ApiClient client = connection.client();
      String said = "";
      try {
        while (true) {
          ApiClient.Answer answer = client.get("/api/fleets/" + fleet);
          if (!answer.ok()) {
            out.printf("fleet %s: %s%n", fleet, answer.error());
            return;
          }
          JsonNode p = answer.body();
          String now =
              "fleet %s: %d of %d applied%s"
                  .formatted(
                      fleet,
                      p.path("applied").asInt(),
                      p.path("opened").asInt() - p.path("ended").asInt(),
                      p.path("remaining").asInt() == 0
                          ? ""
                          : ", about %s left".formatted(eta(p.path("etaSeconds").asLong())));
          if (!now.equals(said)) {
            out.println(now);
            out.flush();
            said = now;
          }
          if (p.path("remaining").asInt() == 0) {
            return;
          }
          Thread.sleep(FOLLOW_EVERY.toMillis()); // polling the API for progress to show
        }
      } catch (ApiClient.Unreachable e) {
        out.printf("fleet %s: %s%n", fleet, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private static String eta(long seconds) {
      return Durations.format(java.time.Duration.ofSeconds(Math.max(1, seconds)));
    }
  }

  /** How often {@code debug open --services} asks how far the fleet is. */
  static final java.time.Duration FOLLOW_EVERY = java.time.Duration.ofSeconds(2);

  @Command(name = "extend", description = "Extend an active session.")
  static final class Extend extends Call {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--by", required = true, description = "e.g. 15m")
    String by;

    @Override
    ApiClient.Answer call(ApiClient client) throws ApiClient.Unreachable {
      return client.send(
          "PATCH",
          "/api/sessions/" + id,
          JsonNodeFactory.instance.objectNode().put("extendBy", by).toString());
    }
  }

  @Command(name = "end", description = "End a session now; the service reverts.")
  static final class End extends Call {
    @Parameters(paramLabel = "ID", description = "A session's id, or a fleet's (f-...): all of it.")
    String id;

    @Override
    ApiClient.Answer call(ApiClient client) throws ApiClient.Unreachable {
      return client.send(
          "DELETE", (id.startsWith("f-") ? "/api/fleets/" : "/api/sessions/") + id, null);
    }

    @Override
    void print(JsonNode body, PrintWriter out) {
      if (body.has("fleet")) {
        int ended = body.path("ended").asInt();
        out.printf(
            "fleet %s: ended %d session%s%n",
            body.path("fleet").asText(), ended, ended == 1 ? "" : "s");
        out.flush();
      } else {
        line(body, out);
      }
    }
  }
}
