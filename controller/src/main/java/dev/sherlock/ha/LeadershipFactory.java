package dev.sherlock.ha;

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
    if (store instanceof LeaseTable table) {
      return new LeaseLeadership(
          table,
          config.ha().replica(),
          config.ha().leaseDuration(),
          config.ha().heartbeat(),
          metrics);
    }
    return new SoleReplica(config.ha().replica());
  }
}
