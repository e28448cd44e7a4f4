package dev.sherlock.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * AWS calls made in parallel, a bounded number at once, on virtual threads: the latency of one call
 * no longer limits a fleet's start-up to ten calls a second, while {@link AwsGuard}'s limiters
 * still pace them to the budget. The bound keeps the callers waiting for a permit few enough that
 * none waits past the limiter's timeout.
 */
public final class Parallel {
  /** Calls in flight at once per {@link #map}. */
  public static final int CONCURRENCY = 8;

  private Parallel() {}

  /**
   * Applies {@code call} to every item, {@link #CONCURRENCY} at a time, and returns the results in
   * the items' order; the first failure is thrown once every call has finished.
   */
  public static <T, R> List<R> map(List<T> items, Function<T, R> call) {
    if (items.size() <= 1) {
      return items.stream().map(call).toList();
    }
    Semaphore permits = new Semaphore(CONCURRENCY);
    List<Future<R>> futures = new ArrayList<>(items.size());
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (T item : items) {
        futures.add(
            threads.submit(
                () -> {
                  permits.acquire();
                  try {
                    return call.apply(item);
                  } finally {
                    permits.release();
                  }
                }));
      }
    }
    List<R> results = new ArrayList<>(items.size());
    RuntimeException failure = null;
    for (Future<R> future : futures) {
      try {
        results.add(future.get());
      } catch (ExecutionException e) {
        if (failure == null) {
          failure =
              e.getCause() instanceof RuntimeException r
                  ? r
                  : new IllegalStateException(e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    if (failure != null) {
      throw failure;
    }
    return results;
  }
}
