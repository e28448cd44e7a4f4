package dev.sherlock.source;

import dev.sherlock.aws.EcsGateway;
import dev.sherlock.queue.ReadOrder;
import dev.sherlock.reconcile.ServiceArns;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * The services as Sherlock last read them (by resync and reconciles), each with the {@link
 * ReadOrder} stamp of its read. Selecting policies for an event - which needs the service's tags -
 * costs no call when the service is known; a reconcile acts on a reading stamped after it was asked
 * for, and otherwise reads its service together with others waiting on the same cluster.
 */
@Singleton
public final class ServiceCache {
  /** ECS describes at most ten services per call. */
  public static final int PER_CALL = 10;

  /** Service events kept per service, newest first as ECS returns them. */
  static final int EVENTS_KEPT = 10;

  /** A service as read, and the stamp taken just before the read. */
  public record Reading(Service service, long stamp) {}

  private final Map<String, Reading> services = new ConcurrentHashMap<>();
  private final EcsGateway ecs;
  private final ReadOrder order;

  public ServiceCache(EcsGateway ecs, ReadOrder order) {
    this.ecs = ecs;
    this.order = order;
  }

  /**
   * Keeps a reading unless a later one of the same service is known. Of the service's events (ECS
   * returns up to a hundred) only the latest few are kept: decisions look at what just happened,
   * and ten thousand services' full histories would be most of the heap.
   */
  public void put(Service service, long stamp) {
    Service kept =
        service.events().size() <= EVENTS_KEPT
            ? service
            : service.toBuilder().events(service.events().subList(0, EVENTS_KEPT)).build();
    services.merge(
        service.serviceArn(),
        new Reading(kept, stamp),
        (known, read) -> read.stamp() >= known.stamp() ? read : known);
  }

  /** The service, described now if it is not known yet; empty if it does not exist. */
  public Optional<Service> get(String serviceArn) {
    Reading known = services.get(serviceArn);
    if (known != null) {
      return Optional.of(known.service());
    }
    try {
      return read(serviceArn, List.of());
    } catch (ClusterNotFoundException e) {
      return Optional.empty(); // an event of a cluster that is gone (or never was) - nothing to do
    }
  }

  /**
   * The service as read after the ask stamped {@code since}: the reading already held if it is that
   * recent, else a DescribeServices now that also reads (up to nine of) {@code alongWith}'s
   * services of the same cluster, so that their reconciles need no call of their own. Empty if the
   * service does not exist (or is INACTIVE).
   */
  public Optional<Service> readSince(
      String serviceArn, long since, Function<String, List<String>> alongWith) {
    Reading known = services.get(serviceArn);
    if (known != null && known.stamp() >= since) {
      return active(known.service());
    }
    return read(serviceArn, alongWith.apply(ServiceArns.cluster(serviceArn)));
  }

  private Optional<Service> read(String serviceArn, List<String> alongWith) {
    List<String> batch = new ArrayList<>(PER_CALL);
    batch.add(serviceArn);
    alongWith.stream().filter(a -> !batch.contains(a)).limit(PER_CALL - 1).forEach(batch::add);
    long stamp = order.stamp();
    Map<String, Service> read = ecs.describeServices(ServiceArns.cluster(serviceArn), batch);
    read.values().forEach(s -> put(s, stamp));
    batch.stream().filter(a -> !read.containsKey(a)).forEach(services::remove);
    return Optional.ofNullable(read.get(serviceArn)).flatMap(ServiceCache::active);
  }

  public List<Service> all() {
    return services.values().stream().map(Reading::service).toList();
  }

  public static Map<String, String> tags(Service service) {
    Map<String, String> tags = new HashMap<>();
    service.tags().forEach(t -> tags.put(t.key(), t.value()));
    return tags;
  }

  private static Optional<Service> active(Service service) {
    return "INACTIVE".equals(service.status()) ? Optional.empty() : Optional.of(service);
  }
}
