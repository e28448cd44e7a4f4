package dev.sherlock.queue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Keys waiting to be reconciled, in the manner of controller-runtime's work queue:
 *
 * <ul>
 *   <li>a key is queued once however often it is added, and the earliest time asked for wins;
 *   <li>a key is never handed to two workers at once - added while being processed, it is queued
 *       again when {@link #done} is called;
 *   <li>a key that fails comes back after a per-key exponential backoff ({@link #retry}), and all
 *       keys together pass a global token bucket, so a storm of events cannot become a storm of API
 *       calls;
 *   <li>each key remembers when it was last asked for, as a stamp of a {@link ReadOrder} ({@link
 *       #since}): a reconcile may act on a description of the service read after that - by the
 *       resync that queued it, or by a batch that {@link #pullForward pulled it forward} - instead
 *       of reading it again;
 *   <li>keys only a resync asked for wait behind keys something else asked for (a session that
 *       opened or ended, an event, a rollout to watch): when AWS's budget is short, a revert goes
 *       before a routine look at a quiet service.
 * </ul>
 *
 * Time is the given {@link Clock}'s, so tests on a virtual clock see delays elapse when they move
 * the clock; waiting itself re-checks the clock every {@code poll}.
 */
public final class WorkQueue<K> {
  private final Clock clock;
  private final Duration baseBackoff;
  private final Duration maxBackoff;
  private final double tokensPerSecond;
  private final int burst;
  private final Duration poll;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<K, Instant> waiting = new HashMap<>();
  private final Set<K> processing = new HashSet<>();
  private final Map<K, Instant> again = new HashMap<>();
  private final Map<K, Integer> failures = new HashMap<>();
  private final Map<K, Long> askedWaiting = new HashMap<>();
  private final Map<K, Long> askedAgain = new HashMap<>();
  private final Map<K, Long> askedTaken = new HashMap<>();
  private final LongSupplier stamps;
  private final Set<K> background = new HashSet<>();
  private double tokens;
  private Instant refilled;
  private boolean shutdown;

  public WorkQueue(
      Clock clock,
      Duration baseBackoff,
      Duration maxBackoff,
      double tokensPerSecond,
      int burst,
      Duration poll,
      ReadOrder order) {
    this.stamps = order::stamp;
    this.clock = clock;
    this.baseBackoff = baseBackoff;
    this.maxBackoff = maxBackoff;
    this.tokensPerSecond = tokensPerSecond;
    this.burst = burst;
    this.poll = poll;
    this.tokens = burst;
    this.refilled = clock.instant();
  }

  public void add(K key) {
    addAfter(key, Duration.ZERO);
  }

  /** Queues {@code key} to be ready after {@code delay}, unless it is already due sooner. */
  public void addAfter(K key, Duration delay) {
    enqueue(
        key,
        clock.instant().plus(delay.isNegative() ? Duration.ZERO : delay),
        stamps.getAsLong(),
        false);
  }

  /**
   * Queues {@code key} now for a resync that read the service under the stamp {@code since}: the
   * reconcile may act on what it read, and waits behind keys asked for by anything else.
   */
  public void addSince(K key, long since) {
    enqueue(key, clock.instant(), since, true);
  }

  private void enqueue(K key, Instant at, long since, boolean routine) {
    lock.lock();
    try {
      if (shutdown) {
        return;
      }
      boolean busy = processing.contains(key);
      if (!routine) {
        background.remove(key);
      } else if (!waiting.containsKey(key) && !again.containsKey(key)) {
        background.add(key); // what else was asked of it already keeps its place
      }
      (busy ? again : waiting).merge(key, at, WorkQueue::earlier);
      (busy ? askedAgain : askedWaiting).merge(key, since, Math::max);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The stamp of the latest ask for the key being processed: what was read of it under this stamp
   * or a later one is recent enough to act on. Only for a key handed out by {@link #take}.
   */
  public long since(K key) {
    lock.lock();
    try {
      Long since = askedTaken.get(key);
      return since == null ? stamps.getAsLong() : since;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Makes up to {@code max} waiting keys that match, due now or within {@code within} and not
   * backing off after a failure, due now - soonest first - and returns them: a worker that reads
   * one service reads these with it, in the same call, and their reconciles follow at once.
   */
  public List<K> pullForward(Predicate<K> matching, Duration within, int max) {
    lock.lock();
    try {
      Instant now = clock.instant();
      Instant horizon = now.plus(within);
      List<K> pulled =
          waiting.entrySet().stream()
              .filter(e -> !e.getValue().isAfter(horizon))
              .filter(e -> !failures.containsKey(e.getKey()) && matching.test(e.getKey()))
              .sorted(Map.Entry.comparingByValue())
              .limit(max)
              .map(Map.Entry::getKey)
              .toList();
      pulled.forEach(k -> waiting.put(k, earlier(waiting.get(k), now)));
      if (!pulled.isEmpty()) {
        changed.signalAll();
      }
      return pulled;
    } finally {
      lock.unlock();
    }
  }

  /** Requeues a key that failed, after its backoff: base x 2^failures, at most the maximum. */
  public Duration retry(K key) {
    Duration backoff;
    lock.lock();
    try {
      int n = failures.merge(key, 1, Integer::sum);
      long factor = 1L << Math.min(n - 1, 20);
      backoff = baseBackoff.multipliedBy(factor);
      if (backoff.compareTo(maxBackoff) > 0) {
        backoff = maxBackoff;
      }
    } finally {
      lock.unlock();
    }
    addAfter(key, backoff);
    return backoff;
  }

  /**
   * Nothing is being processed and nothing is due now: what is queued waits for a later time.
   * Rehearsals on a virtual clock move time on only once the queue has settled.
   */
  public boolean settled() {
    lock.lock();
    try {
      Instant now = clock.instant();
      return processing.isEmpty()
          && again.isEmpty()
          && waiting.values().stream().allMatch(at -> at.isAfter(now));
    } finally {
      lock.unlock();
    }
  }

  /** The key succeeded: its backoff starts over. */
  public void forget(K key) {
    lock.lock();
    try {
      failures.remove(key);
    } finally {
      lock.unlock();
    }
  }

  /** Waits for a ready key and a token, and hands the key out; empty once the queue shuts down. */
  public Optional<K> take() throws InterruptedException {
    lock.lock();
    try {
      while (!shutdown) {
        Instant now = clock.instant();
        refill(now);
        K ready = null;
        Instant earliest = null;
        boolean readyIsRoutine = true;
        for (Map.Entry<K, Instant> e : waiting.entrySet()) {
          if (e.getValue().isAfter(now)) {
            continue;
          }
          boolean routine = background.contains(e.getKey());
          boolean better =
              ready == null
                  || (readyIsRoutine && !routine)
                  || (readyIsRoutine == routine && e.getValue().isBefore(earliest));
          if (better) {
            ready = e.getKey();
            earliest = e.getValue();
            readyIsRoutine = routine;
          }
        }
        if (ready != null && tokens >= 1) {
          tokens -= 1;
          waiting.remove(ready);
          background.remove(ready);
          processing.add(ready);
          Long since = askedWaiting.remove(ready);
          askedTaken.put(ready, since == null ? stamps.getAsLong() : since);
          return Optional.of(ready);
        }
        changed.await(poll.toMillis(), TimeUnit.MILLISECONDS);
      }
      return Optional.empty();
    } finally {
      lock.unlock();
    }
  }

  /** The worker is finished with {@code key}; if it was added meanwhile, it is queued again. */
  public void done(K key) {
    lock.lock();
    try {
      processing.remove(key);
      askedTaken.remove(key);
      Instant at = again.remove(key);
      if (at != null) {
        waiting.merge(key, at, WorkQueue::earlier);
        askedWaiting.merge(key, askedAgain.remove(key), Math::max);
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Keys waiting (ready or not) plus keys being processed. */
  public int depth() {
    lock.lock();
    try {
      return waiting.size() + processing.size();
    } finally {
      lock.unlock();
    }
  }

  /** When {@code key} is next due, if it is queued. */
  public Optional<Instant> dueAt(K key) {
    lock.lock();
    try {
      return Optional.ofNullable(waiting.get(key)).or(() -> Optional.ofNullable(again.get(key)));
    } finally {
      lock.unlock();
    }
  }

  public void shutdown() {
    lock.lock();
    try {
      shutdown = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private static Instant earlier(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private void refill(Instant now) {
    double elapsed = Math.max(0, Duration.between(refilled, now).toMillis() / 1000.0);
    tokens = Math.min(burst, tokens + elapsed * tokensPerSecond);
    refilled = now;
  }
}
