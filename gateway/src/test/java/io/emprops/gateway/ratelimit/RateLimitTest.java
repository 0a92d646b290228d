package io.emprops.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.gateway.support.GatewayIntegrationTest;
import io.emprops.web.testing.AdjustableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

/** The limits of API.md, counted in the real Redis. The upload limit is 5 per 2 s in these tests. */
class RateLimitTest extends GatewayIntegrationTest {

  @Autowired AdjustableClock clock;

  @Test
  void everyResponseCarriesTheStandardLimitOfItsCaller() {
    String token = token(newUserId());
    HttpHeaders first = get("/credits/balance", token).getResponseHeaders();
    HttpHeaders second = get("/credits/balance", token).getResponseHeaders();

    assertThat(first.getFirst(RateLimitFilter.LIMIT_HEADER)).isEqualTo("100");
    assertThat(first.getFirst(RateLimitFilter.REMAINING_HEADER)).isEqualTo("99");
    assertThat(second.getFirst(RateLimitFilter.REMAINING_HEADER)).isEqualTo("98");
    long reset = Long.parseLong(first.getFirst(RateLimitFilter.RESET_HEADER));
    assertThat(reset).isBetween(Instant.now().getEpochSecond(), Instant.now().getEpochSecond() + 60);
  }

  @Test
  void countsEachUserSeparately() {
    get("/credits/balance", token(newUserId()));
    HttpHeaders other = get("/credits/balance", token(newUserId())).getResponseHeaders();

    assertThat(other.getFirst(RateLimitFilter.REMAINING_HEADER)).isEqualTo("99");
  }

  @Test
  void generationsHaveTheirOwnSmallerLimit() {
    HttpHeaders headers = client.post().uri("/collections/c1/generations")
        .header("Authorization", bearer(token(newUserId())))
        .exchange()
        .expectStatus().isOk()
        .returnResult(String.class).getResponseHeaders();

    assertThat(headers.getFirst(RateLimitFilter.LIMIT_HEADER)).isEqualTo("10");
  }

  @Test
  void anonymousBrowsingIsCountedPerAddress() {
    HttpHeaders headers = client.get().uri("/feed").exchange()
        .expectStatus().isOk()
        .returnResult(String.class).getResponseHeaders();

    assertThat(headers.getFirst(RateLimitFilter.LIMIT_HEADER)).isEqualTo("1000");
  }

  /**
   * Six uploads in one 2 s window (the gateway's clock frozen inside it): the sixth is refused,
   * and only the next window (the clock moved on) accepts again.
   */
  @Test
  void exhaustedLimitIsA429UntilTheWindowResets() {
    String token = token(newUserId());
    clock.freeze();
    try {
      for (int i = 0; i < 5; i++) {
        upload(token).expectStatus().isOk()
            .expectHeader().valueEquals(RateLimitFilter.REMAINING_HEADER, Integer.toString(4 - i));
        service("storage").takeRequest();
      }
      EntityExchangeResult<String> refused = upload(token).expectBody(String.class).returnResult();
      assertThat(refused.getStatus().value()).isEqualTo(429);
      assertThat(refused.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isNotBlank();
      assertThat(refused.getResponseHeaders().getFirst(RateLimitFilter.REMAINING_HEADER)).isEqualTo("0");
      assertThat(refused.getResponseBody()).contains("\"code\":\"RATE_LIMITED\"").contains("\"data\":null");

      clock.advance(Duration.ofSeconds(2));
      upload(token).expectStatus().isOk()
          .expectHeader().valueEquals(RateLimitFilter.REMAINING_HEADER, "4");
      // The refused upload never reached storage: the next request it sees is this one.
      assertThat(service("storage").takeRequest().method()).isEqualTo("POST");
      assertThat(service("storage").received()).isEmpty();
    } finally {
      clock.reset();
    }
  }

  private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec upload(String token) {
    return client.post().uri("/assets")
        .header("Authorization", bearer(token))
        .bodyValue("file")
        .exchange();
  }

  private EntityExchangeResult<String> get(String path, String token) {
    return client.get().uri(path)
        .header("Authorization", bearer(token))
        .exchange()
        .expectStatus().isOk()
        .expectBody(String.class).returnResult();
  }
}
