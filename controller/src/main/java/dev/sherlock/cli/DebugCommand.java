package dev.sherlock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

  @Command(name = "open", description = "Open a session running a policy's actions on one service.")
  static final class Open extends Call {
    @Option(names = "--policy", required = true)
    String policy;

    @Option(names = "--cluster", required = true)
    String cluster;

    @Option(names = "--service", required = true)
    String service;

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
              .put("service", service)
              .put("reason", reason);
      duration.ifPresent(d -> body.put("duration", d));
      return client.send("POST", "/api/sessions", body.toString());
    }
  }

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
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    ApiClient.Answer call(ApiClient client) throws ApiClient.Unreachable {
      return client.send("DELETE", "/api/sessions/" + id, null);
    }
  }
}
