package io.emprops.gateway.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.gateway.support.GatewayTestSupport;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A service that is down answers 503, a service that hangs 504 — fast and in the envelope,
 * never a hang or a stack trace. Publishing points at a port where nothing listens.
 */
class DownstreamFailureTest extends GatewayTestSupport {

  @Autowired
  private ReactiveResilience4JCircuitBreakerFactory breakers;

  private static final int DEAD_PORT = unusedPort();

  @DynamicPropertySource
  static void deadPublishingAndShortTimeout(DynamicPropertyRegistry registry) {
    registerServices(registry, Map.of("publishing", "http://127.0.0.1:" + DEAD_PORT));
    registry.add("spring.cloud.gateway.server.webflux.httpclient.response-timeout", () -> "1s");
  }

  @Test
  void deadServiceIsA503InTheEnvelopeAndTheBreakerOpens() {
    String token = bearer(token(newUserId()));
    // Enough calls to open the breaker (10 of 20): afterwards calls are refused without a connect attempt.
    for (int i = 0; i < 12; i++) {
      client.get().uri("/chains").header("Authorization", token)
          .exchange()
          .expectStatus().isEqualTo(503)
          .expectBody()
          .jsonPath("$.data").isEmpty()
          .jsonPath("$.code").isEqualTo("SERVICE_UNAVAILABLE")
          .jsonPath("$.error").value(error -> assertThat((String) error).doesNotContain("Exception"));
    }
    // The breaker itself, not only the 503s (a closed breaker answers those too): open, and the
    // calls after it opened were refused without an attempt.
    CircuitBreaker breaker = breakers.getCircuitBreakerRegistry().find("publishing").orElseThrow();
    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(breaker.getMetrics().getNumberOfNotPermittedCalls()).isPositive();
    client.post().uri("/collections/c1/publication").header("Authorization", token)
        .exchange()
        .expectStatus().isEqualTo(503);
  }

  @Test
  void healthOfADeadServiceIsA503() {
    client.get().uri("/health/publishing")
        .exchange()
        .expectStatus().isEqualTo(503)
        .expectBody().jsonPath("$.code").isEqualTo("SERVICE_UNAVAILABLE");
  }

  /**
   * The 504 itself shows the gateway gave up first (the stub would answer after 3 s with 200).
   * "Not retried" is checked by order, not by waiting: the next request the stub sees after the
   * POST must be the GET sent after the 504, not a second POST.
   */
  @Test
  void hangingServiceIsA504AndIsNotRetriedForWrites() {
    String token = bearer(token(newUserId()));
    service("credits").delayResponses(Duration.ofSeconds(3));
    try {
      client.post().uri("/credits/grants").header("Authorization", token)
          .exchange()
          .expectStatus().isEqualTo(504)
          .expectBody().jsonPath("$.code").isEqualTo("GATEWAY_TIMEOUT");
    } finally {
      service("credits").delayResponses(Duration.ZERO);
    }
    assertThat(service("credits").takeRequest().method()).isEqualTo("POST");
    client.get().uri("/credits/balance").header("Authorization", token).exchange().expectStatus().isOk();
    assertThat(service("credits").takeRequest().method()).isEqualTo("GET");
  }
}
