package dev.sherlock.cli;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as a request to stop, for commands that run until stopped ({@code run}, {@code
 * demo --keep}). Handling the signals (rather than dying in a shutdown hook) lets the command drain
 * and return 0: a supervisor sees a clean stop, not a death by signal.
 */
public final class Termination {
  private Termination() {}

  /** A latch that counts down when the process is asked to stop. */
  public static CountDownLatch requested() {
    CountDownLatch stop = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), s -> stop.countDown());
    Signal.handle(new Signal("INT"), s -> stop.countDown());
    return stop;
  }
}
