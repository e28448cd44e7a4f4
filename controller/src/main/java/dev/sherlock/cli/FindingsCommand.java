package dev.sherlock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sherlock findings}: what Sherlock saw and did, from its API; {@code --follow} streams. */
@Command(
    name = "findings",
    description = "List findings from a running Sherlock; --follow streams new ones.")
public final class FindingsCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--api",
      defaultValue = ApiClient.DEFAULT_URL,
      description = "Sherlock's API (default: ${DEFAULT-VALUE}).")
  String api;

  @Option(names = "--cluster")
  Optional<String> cluster;

  @Option(names = "--service")
  Optional<String> service;

  @Option(names = "--policy")
  Optional<String> policy;

  @Option(
      names = "--kind",
      description =
          "TriggerFired, SessionOpened, ActionApplied, ActionReverted, Snapshot, Diagnosis, ...")
  Optional<String> kind;

  @Option(names = "--since", description = "An ISO instant or a duration ago, e.g. 1h.")
  Optional<String> since;

  @Option(names = "--limit", defaultValue = "50")
  int limit;

  @Option(names = "--follow", description = "Keep printing new findings as they come.")
  boolean follow;

  @Option(
      names = "--for",
      paramLabel = "DURATION",
      description = "With --follow: stop after this long.")
  Optional<String> followFor;

  @Option(
      names = "--output",
      defaultValue = "text",
      description = "text or json (one finding per line).")
  OutputFormat output;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ApiClient client = new ApiClient(api, Optional.empty());
    Set<String> seen = new HashSet<>();
    Instant stopAt =
        followFor
            .map(d -> Instant.now().plus(dev.sherlock.policy.Durations.parse(d)))
            .orElse(Instant.MAX);
    try {
      print(fetch(client, limit), seen, out);
      while (follow && Instant.now().isBefore(stopAt)) {
        Thread.sleep(Duration.ofSeconds(1)); // polling the API is how --follow follows
        print(fetch(client, 100), seen, out);
      }
      return 0;
    } catch (ApiClient.Unreachable e) {
      err.println("sherlock findings: error: " + e.getMessage());
      return 1;
    } catch (IllegalStateException e) {
      err.println("sherlock findings: error: " + e.getMessage());
      return 1;
    }
  }

  private List<JsonNode> fetch(ApiClient client, int size) throws ApiClient.Unreachable {
    Map<String, String> query = new LinkedHashMap<>();
    cluster.ifPresent(v -> query.put("cluster", v));
    service.ifPresent(v -> query.put("service", v));
    policy.ifPresent(v -> query.put("policy", v));
    kind.ifPresent(v -> query.put("kind", v));
    since.ifPresent(v -> query.put("since", v));
    query.put("limit", String.valueOf(size));
    StringBuilder path = new StringBuilder("/api/findings");
    String separator = "?";
    for (var e : query.entrySet()) {
      path.append(separator)
          .append(e.getKey())
          .append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
      separator = "&";
    }
    ApiClient.Answer answer = client.get(path.toString());
    if (!answer.ok()) {
      throw new IllegalStateException(answer.error());
    }
    List<JsonNode> findings = new ArrayList<>();
    answer.body().path("findings").forEach(findings::add);
    return findings.reversed(); // oldest first, as a log reads
  }

  private void print(List<JsonNode> findings, Set<String> seen, PrintWriter out) {
    for (JsonNode f : findings) {
      if (!seen.add(f.path("id").asText())) {
        continue;
      }
      if (output == OutputFormat.json) {
        out.println(f);
      } else {
        String where =
            f.has("service") ? f.path("cluster").asText() + "/" + f.path("service").asText() : "-";
        // With policies from git, each finding names the commit in force when it was recorded.
        String commit = f.path("evidence").path("policyCommit").asText("");
        out.printf(
            "%s  %-16s %-26s %s%s%n",
            f.path("time").asText(),
            f.path("kind").asText(),
            where,
            f.path("summary").asText(),
            commit.isEmpty()
                ? ""
                : "  [policies@" + commit.substring(0, Math.min(7, commit.length())) + "]");
      }
    }
    out.flush();
  }
}
