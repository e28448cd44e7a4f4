package dev.sherlock.policy;

import java.util.List;
import java.util.Map;

/**
 * The services a policy watches: those in a cluster matching {@code cluster} whose name matches one
 * of {@code services} and whose tags match all of {@code tags}. Either list may be empty, not both.
 */
public record Target(Glob cluster, List<Glob> services, Map<String, Glob> tags) {
  public Target {
    services = services == null ? List.of() : List.copyOf(services);
    tags = tags == null ? Map.of() : Map.copyOf(tags);
  }

  /** Whether a service (cluster name or ARN, service name, service tags) is watched. */
  public boolean selects(String clusterArn, String serviceName, Map<String, String> serviceTags) {
    if (!cluster.matchesNameOrArn(clusterArn)) {
      return false;
    }
    if (!services.isEmpty() && services.stream().noneMatch(g -> g.matches(serviceName))) {
      return false;
    }
    return tags.entrySet().stream()
        .allMatch(
            e ->
                serviceTags.containsKey(e.getKey())
                    && e.getValue().matches(serviceTags.get(e.getKey())));
  }
}
