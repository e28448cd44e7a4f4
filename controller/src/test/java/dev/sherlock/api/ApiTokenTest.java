package dev.sherlock.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.http.HttpRequest;
import org.junit.jupiter.api.Test;

class ApiTokenTest {

  @Test
  void withoutAConfiguredTokenMutatingIsOff() {
    var refusal =
        new ApiToken("").check(HttpRequest.POST("/api/sessions", "{}").bearerAuth("anything"));

    assertThat(refusal).hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(403));
  }

  @Test
  void onlyTheConfiguredTokenIsAccepted() {
    ApiToken token = new ApiToken("s3cret");

    assertThat(token.check(HttpRequest.POST("/api/sessions", "{}").bearerAuth("s3cret"))).isEmpty();
    assertThat(token.check(HttpRequest.POST("/api/sessions", "{}").bearerAuth("guess")))
        .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(401));
    assertThat(token.check(HttpRequest.POST("/api/sessions", "{}")))
        .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(401));
  }
}
