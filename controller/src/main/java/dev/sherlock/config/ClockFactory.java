package dev.sherlock.config;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Secondary;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The wall clock; tests and the sandbox register their own, which wins over this one. */
@Factory
public final class ClockFactory {
  @Singleton
  @Secondary
  Clock clock() {
    return Clock.systemUTC();
  }
}
