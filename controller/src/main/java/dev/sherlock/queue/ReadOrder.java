package dev.sherlock.queue;

import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Orders asks for a reconcile and reads of ECS: each takes a stamp, strictly increasing, and a read
 * stamped after an ask saw everything that happened before the ask. Stamps, not clock instants: a
 * virtual clock stands still, and two moments of one millisecond are not ordered.
 */
@Singleton
public final class ReadOrder {
  private final AtomicLong last = new AtomicLong();

  public long stamp() {
    return last.incrementAndGet();
  }
}
