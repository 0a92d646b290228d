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

  /**
   * Six uploads in one 2 s window: the sixth is refused. On a loaded machine six calls may straddle
   * a window boundary; the reset time each answer names tells, and such a round is played again.
   */
  @Test
  void exhaustedLimitIsA429UntilTheWindowResets() throws InterruptedException {
    String token = token(newUserId());
    EntityExchangeResult<String> refused = null;
    for (int round = 0; round < 5 && refused == null; round++) {
      awaitStartOfWindow(2);
      java.util.Set<String> windows = new java.util.HashSet<>();
      for (int i = 0; i < 5; i++) {
        EntityExchangeResult<String> accepted = upload(token).expectBody(String.class).returnResult();
        windows.add(accepted.getResponseHeaders().getFirst(RateLimitFilter.RESET_HEADER));
        if (accepted.getStatus().value() == 200) {
          service("storage").takeRequest();
        }
      }
      EntityExchangeResult<String> sixth = upload(token).expectBody(String.class).returnResult();
      windows.add(sixth.getResponseHeaders().getFirst(RateLimitFilter.RESET_HEADER));
      if (windows.size() == 1) {
        refused = sixth;
      } else if (sixth.getStatus().value() == 200) {
        service("storage").takeRequest();
      }
    }
    assertThat(refused).as("six uploads within one window").isNotNull();
    assertThat(refused.getStatus().value()).isEqualTo(429);
    assertThat(refused.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isNotBlank();
    assertThat(refused.getResponseHeaders().getFirst(RateLimitFilter.REMAINING_HEADER)).isEqualTo("0");
    assertThat(refused.getResponseBody()).contains("\"code\":\"RATE_LIMITED\"").contains("\"data\":null");

    awaitStartOfWindow(2);
    upload(token).expectStatus().isOk()
        .expectHeader().valueEquals(RateLimitFilter.REMAINING_HEADER, "4");
    // The refused upload never reached storage: the next request it sees is this one.
    assertThat(service("storage").takeRequest().method()).isEqualTo("POST");
    assertThat(service("storage").received()).isEmpty();
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
