package dev.sherlock.api;

import dev.sherlock.finding.FindingJson;
import dev.sherlock.finding.Findings;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.sse.Event;
import java.time.Duration;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * {@code GET /api/findings/stream}: every finding recorded from now on, as server-sent events
 * ({@code event: finding}, the finding's JSON as {@code data}, its id as {@code id}), with a
 * comment every 15 seconds so that proxies keep the connection open. The console listens here; a
 * client that loses the stream pages {@code /api/findings} for what it missed.
 */
@Controller("/api/findings/stream")
public final class FindingsStreamController {
  private static final Duration HEARTBEAT = Duration.ofSeconds(15);

  /** A slow reader loses its oldest unread findings, never the controller's memory. */
  private static final int BUFFERED = 1_000;

  private final Findings findings;

  public FindingsStreamController(Findings findings) {
    this.findings = findings;
  }

  @Get(produces = MediaType.TEXT_EVENT_STREAM)
  public Publisher<Event<String>> stream() {
    Flux<Event<String>> recorded =
        Flux.create(
            sink -> {
              AutoCloseable listening =
                  findings.listen(
                      f ->
                          sink.next(
                              Event.of(FindingJson.of(f).toString()).name("finding").id(f.id())));
              sink.onDispose(
                  () -> {
                    try {
                      listening.close();
                    } catch (Exception e) {
                      // removing a listener from a list cannot fail
                    }
                  });
            },
            FluxSink.OverflowStrategy.LATEST);
    Flux<Event<String>> heartbeat =
        Flux.interval(HEARTBEAT).map(i -> Event.of("").comment("keep-alive"));
    // A comment at once: the response starts now, so the browser knows the stream is open.
    Flux<Event<String>> hello = Flux.just(Event.of("").comment("connected"));
    return Flux.concat(hello, Flux.merge(recorded.onBackpressureBuffer(BUFFERED), heartbeat));
  }
}
