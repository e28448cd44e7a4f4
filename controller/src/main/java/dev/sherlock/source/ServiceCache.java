package dev.sherlock.source;

import dev.sherlock.aws.EcsGateway;
import dev.sherlock.reconcile.ServiceArns;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * The services Sherlock has seen lately (from resync and reconciles), so that selecting policies
 * for an event - which needs the service's tags - costs no call when the service is known.
 */
@Singleton
public final class ServiceCache {
  private final Map<String, Service> services = new ConcurrentHashMap<>();
  private final EcsGateway ecs;

  public ServiceCache(EcsGateway ecs) {
    this.ecs = ecs;
  }

  public void put(Service service) {
    services.put(service.serviceArn(), service);
  }

  public void putAll(Iterable<Service> all) {
    all.forEach(this::put);
  }

  /** The service, described now if it is not known yet; empty if it does not exist. */
  public Optional<Service> get(String serviceArn) {
    Service known = services.get(serviceArn);
    if (known != null) {
      return Optional.of(known);
    }
    Optional<Service> described;
    try {
      described = ecs.describeService(ServiceArns.cluster(serviceArn), serviceArn);
    } catch (ClusterNotFoundException e) {
      return Optional.empty(); // an event of a cluster that is gone (or never was) - nothing to do
    }
    described.ifPresent(this::put);
    return described;
  }

  public List<Service> all() {
    return List.copyOf(services.values());
  }

  public static Map<String, String> tags(Service service) {
    Map<String, String> tags = new HashMap<>();
    service.tags().forEach(t -> tags.put(t.key(), t.value()));
    return tags;
  }
}
