package io.emprops.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.gateway.support.GatewayIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

/** The limits of API.md, counted in the real Redis. The upload window is 2 s in these tests. */
class RateLimitTest extends GatewayIntegrationTest {

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

  @Test
  void exhaustedLimitIsA429UntilTheWindowResets() throws InterruptedException {
    String token = token(newUserId());
    // Start at the beginning of a 2 s window so that all six calls fall into it.
    awaitStartOfWindow(2);
    for (int i = 0; i < 5; i++) {
      upload(token).expectStatus().isOk();
      service("storage").takeRequest();
    }
    upload(token)
        .expectStatus().isEqualTo(429)
        .expectHeader().exists(HttpHeaders.RETRY_AFTER)
        .expectHeader().valueEquals(RateLimitFilter.REMAINING_HEADER, "0")
        .expectBody()
        .jsonPath("$.code").isEqualTo("RATE_LIMITED")
        .jsonPath("$.data").isEmpty();
    assertThat(service("storage").receivesWithin(Duration.ofMillis(100))).isFalse();

    awaitStartOfWindow(2);
    upload(token).expectStatus().isOk()
        .expectHeader().valueEquals(RateLimitFilter.REMAINING_HEADER, "4");
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

  private static void awaitStartOfWindow(int windowSeconds) throws InterruptedException {
    long now = System.currentTimeMillis();
    long next = (now / 1000 / windowSeconds + 1) * windowSeconds * 1000;
    Thread.sleep(next - now + 20);
  }
}
