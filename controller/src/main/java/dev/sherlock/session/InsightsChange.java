package dev.sherlock.session;

import java.util.Optional;

/**
 * What Sherlock did to a cluster's Container Insights setting so that it can be undone once no
 * session on the cluster needs it: the setting before the first such session, and what Sherlock set
 * (none when the cluster already had enough).
 *
 * @param before {@code disabled}, {@code enabled} or {@code enhanced}, as ECS names them
 * @param handedOver a person changed the setting while sessions needed it: theirs wins, Sherlock
 *     neither raises it again nor puts it back
 */
public record InsightsChange(
    String cluster, String before, Optional<String> applied, boolean handedOver) {
  public InsightsChange applying(String level) {
    return new InsightsChange(cluster, before, Optional.of(level), false);
  }

  public InsightsChange handOver() {
    return new InsightsChange(cluster, before, Optional.empty(), true);
  }
}
