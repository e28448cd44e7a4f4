package dev.sherlock.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.finding.Finding;
import dev.sherlock.finding.FindingJson;
import dev.sherlock.finding.FindingKind;
import dev.sherlock.policy.Durations;
import dev.sherlock.store.FindingStore;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /api/findings?cluster=&service=&policy=&kind=&since=&limit=&cursor=}: findings, newest
 * first, one page at a time ({@code next} is the cursor of the following page); {@code GET
 * /api/findings/{id}}: one finding with its evidence.
 */
// The store and AWS answer slowly at times: never on the event loop, which serves /health too.
@ExecuteOn(TaskExecutors.BLOCKING)
@Controller("/api/findings")
public final class FindingsController {
  private static final int MAX_LIMIT = 500;

  private final FindingStore store;
  private final Clock clock;

  public FindingsController(FindingStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  @Get
  public HttpResponse<String> list(
      @QueryValue Optional<String> cluster,
      @QueryValue Optional<String> service,
      @QueryValue Optional<String> policy,
      @QueryValue Optional<String> kind,
      @QueryValue Optional<String> since,
      @QueryValue Optional<Integer> limit,
      @QueryValue Optional<String> cursor) {
    Optional<FindingKind> kindFilter;
    try {
      kindFilter = kind.map(FindingKind::valueOf);
    } catch (IllegalArgumentException e) {
      return Api.error(
          400, "unknown kind %s; one of %s".formatted(kind.get(), List.of(FindingKind.values())));
    }
    Optional<Instant> sinceFilter;
    try {
      sinceFilter = since.map(this::instant);
    } catch (IllegalArgumentException | DateTimeParseException e) {
      return Api.error(
          400, "since must be an ISO instant (2026-11-20T09:00:00Z) or a duration ago (15m)");
    }
    int size = limit.orElse(50);
    if (size < 1 || size > MAX_LIMIT) {
      return Api.error(400, "limit must be between 1 and " + MAX_LIMIT);
    }
    if (cursor.isPresent() && store.finding(cursor.get()).isEmpty()) {
      return Api.error(
          400,
          "cursor %s is not one this API gave: pass the 'next' of the previous page"
              .formatted(cursor.get()));
    }
    List<Finding> page =
        store.query(
            new FindingStore.Query(
                cluster, service, policy, kindFilter, sinceFilter, cursor, size + 1));
    ObjectNode body = Api.object();
    ArrayNode items = body.putArray("findings");
    page.stream().limit(size).forEach(f -> items.add(FindingJson.of(f)));
    if (page.size() > size) {
      body.put("next", page.get(size - 1).id());
    }
    return Api.ok(body);
  }

  @Get("/{id}")
  public HttpResponse<String> one(@PathVariable String id) {
    return store
        .finding(id)
        .map(f -> Api.ok(FindingJson.of(f)))
        .orElseThrow(() -> Api.notFound("no finding " + id));
  }

  private Instant instant(String text) {
    return Character.isDigit(text.charAt(0)) && text.contains("T")
        ? Instant.parse(text)
        : clock.instant().minus(Durations.parse(text));
  }
}
