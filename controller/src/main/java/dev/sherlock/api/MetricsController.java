package dev.sherlock.api;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

/** {@code GET /metrics}: Prometheus's text format. */
@Controller("/metrics")
public final class MetricsController {
  private final PrometheusMeterRegistry prometheus;

  public MetricsController(PrometheusMeterRegistry prometheus) {
    this.prometheus = prometheus;
  }

  @Get(produces = "text/plain; version=0.0.4; charset=utf-8")
  public HttpResponse<String> scrape() {
    return HttpResponse.ok(prometheus.scrape());
  }
}
