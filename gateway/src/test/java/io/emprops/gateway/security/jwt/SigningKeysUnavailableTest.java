package io.emprops.gateway.security.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpServer;
import io.emprops.gateway.support.GatewayTestSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A gateway that cannot fetch its issuer's keys (just restarted, or the issuer down) cannot tell a
 * valid token from a forged one: it answers 503 with {@code Retry-After} in the envelope — never
 * 401, which would tell a client holding a good token to log in again — forwards nothing, and
 * verifies again as soon as the keys can be fetched. The issuer is a real HTTP server on
 * 127.0.0.1 serving the dev issuer's real public key set while the test says it is up.
 */
class SigningKeysUnavailableTest extends GatewayTestSupport {

  private static final AtomicBoolean issuerUp = new AtomicBoolean(false);
  private static final HttpServer issuer = startIssuer();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registerServices(registry, Map.of());
    registry.add("emprops.gateway.jwt.jwks-uri",
        () -> "http://127.0.0.1:" + issuer.getAddress().getPort() + "/jwks");
    registry.add("emprops.gateway.jwt.jwks-min-refresh-interval", () -> "1s");
  }

  @AfterAll
  static void stopIssuer() {
    issuer.stop(0);
  }

  @Test
  void aValidTokenIsAnswered503WhileNoKeyCanBeFetchedAndAcceptedOnceTheIssuerIsBack() {
    String token = bearer(token(newUserId()));
    client.get().uri("/credits/balance").header("Authorization", token).exchange()
        .expectStatus().isEqualTo(503)
        .expectHeader().valueEquals("Retry-After", "2")
        .expectBody()
        .jsonPath("$.code").isEqualTo("SERVICE_UNAVAILABLE")
        .jsonPath("$.data").isEmpty();
    // Asked again at once (no new fetch allowed yet): the same answer, not a verdict on the token.
    client.get().uri("/credits/balance").header("Authorization", token).exchange()
        .expectStatus().isEqualTo(503);
    // What is not a token at all is refused whatever the keys.
    client.get().uri("/credits/balance").header("Authorization", "Bearer not-a-token").exchange()
        .expectStatus().isUnauthorized();
    assertThat(service("credits").received()).as("nothing forwarded").isEmpty();

    issuerUp.set(true);
    await("the token verifies once the keys can be fetched").atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> client.get().uri("/credits/balance").header("Authorization", token).exchange()
            .returnResult(String.class).getStatus().value(), status -> status == 200);
  }

  private static HttpServer startIssuer() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/jwks", exchange -> {
        boolean up = issuerUp.get();
        byte[] body = (up ? new JWKSet(issuerKey().toPublicJWK()).toString() : "{\"error\": \"down\"}")
            .getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(up ? 200 : 503, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
      });
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
