package dev.sherlock.ha;

import dev.sherlock.UserError;
import dev.sherlock.config.SherlockConfig;
import dev.sherlock.metrics.SherlockMetrics;
import dev.sherlock.store.SessionStore;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** A lease among the replicas when the store is shared, else the sole replica. */
@Factory
final class LeadershipFactory {
  @Singleton
  @Bean(preDestroy = "stop")
  Leadership leadership(SherlockConfig config, SessionStore store, SherlockMetrics metrics) {
    int shards = config.ha().shards();
    if (shards < 1 || shards > SherlockConfig.Ha.MAX_SHARDS) {
      throw new UserError(
          "sherlock.shards must be from 1 to %d, not %d"
              .formatted(SherlockConfig.Ha.MAX_SHARDS, shards));
    }
    if (store instanceof LeaseTable table) {
      return new LeaseLeadership(
          table,
          config.ha().replica(),
          config.ha().leaseDuration(),
          config.ha().heartbeat(),
          config.ha().shards(),
          metrics);
    }
    if (shards > 1) {
      throw new UserError(
          "sherlock.shards=%d needs replicas that share a store: --store dynamodb"
              .formatted(shards));
    }
    return new SoleReplica(config.ha().replica());
  }
}
