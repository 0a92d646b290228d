package io.emprops.gateway.security.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The issuer's keys across rotation and outages, against a real JWKS server on 127.0.0.1 whose
 * answers the test changes, with the source's clock in the test's hands (no waiting).
 */
class JwksKeySourceTest {

  private static final Duration REFRESH = Duration.ofMinutes(10);
  private static final Duration MIN_REFRESH = Duration.ofSeconds(30);

  private final MovableClock clock = new MovableClock(Instant.parse("2026-12-05T12:00:00Z"));
  private final AtomicReference<String> served = new AtomicReference<>();
  private final AtomicInteger fetches = new AtomicInteger();
  private volatile boolean issuerDown;
  /** Counted down by a test that holds the issuer's answer back; open otherwise. */
  private volatile java.util.concurrent.CountDownLatch answerAllowed = new java.util.concurrent.CountDownLatch(0);
  private HttpServer issuer;
  private JwksKeySource source;

  @BeforeEach
  void startIssuer() throws IOException {
    issuer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    issuer.createContext("/jwks", exchange -> {
      fetches.incrementAndGet();
      try {
        answerAllowed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      byte[] body = (issuerDown ? "{\"error\": \"down\"}" : served.get()).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(issuerDown ? 503 : 200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    issuer.start();
    source = new JwksKeySource(WebClient.create(),
        URI.create("http://127.0.0.1:" + issuer.getAddress().getPort() + "/jwks"),
        Set.of(JWSAlgorithm.RS256), REFRESH, MIN_REFRESH, clock);
  }

  @AfterEach
  void stopIssuer() {
    issuer.stop(0);
  }

  @Test
  void aRotatedKeyIsFetchedWhenATokenFirstNamesIt() throws Exception {
    RSAKey first = key("first");
    RSAKey second = key("second");
    serve(first);
    assertThat(keysFor("first")).containsExactly("first");

    serve(first, second); // the issuer rotates: the new key is published, then used
    clock.advance(MIN_REFRESH.plusSeconds(1));
    assertThat(keysFor("second")).containsExactly("second");
    assertThat(keysFor("first")).as("the old key keeps verifying tokens issued before").containsExactly("first");
    assertThat(fetches).hasValue(2);
  }

  @Test
  void unknownKeyIdsCauseAtMostOneFetchPerMinimumInterval() throws Exception {
    serve(key("real"));
    assertThat(keysFor("real")).containsExactly("real");
    for (int i = 0; i < 20; i++) {
      assertThat(keysFor("invented-" + i)).isEmpty();
    }
    assertThat(fetches).as("only the first fetch: unknown ids right after it wait for the minimum interval").hasValue(1);

    clock.advance(MIN_REFRESH.plusSeconds(1));
    assertThat(keysFor("invented-again")).isEmpty();
    assertThat(keysFor("invented-once-more")).isEmpty();
    assertThat(fetches).as("one more fetch per interval").hasValue(2);
  }

  @Test
  void knownKeysKeepVerifyingWhileTheIssuerIsDownAndAreRefreshedWhenItIsBack() throws Exception {
    RSAKey key = key("steady");
    serve(key);
    assertThat(keysFor("steady")).containsExactly("steady");

    issuerDown = true;
    clock.advance(REFRESH.plusSeconds(1)); // stale: the source tries to refresh and fails
    assertThat(keysFor("steady")).containsExactly("steady");
    assertThat(fetches).hasValue(2);

    issuerDown = false;
    serve(key, key("next"));
    clock.advance(MIN_REFRESH.plusSeconds(1));
    assertThat(keysFor("next")).containsExactly("next");
    assertThat(fetches).hasValue(3);
  }

  @Test
  void aTokenArrivingWhileTheFirstFetchIsUnderWayWaitsForItsAnswer() throws Exception {
    // The gateway's first requests after a start: the first starts the fetch, the next must not
    // be judged on the empty key set the fetch is about to replace (that was a 401 to a valid token).
    serve(key("first"));
    answerAllowed = new java.util.concurrent.CountDownLatch(1);
    var firstCaller = source.apply(token("first")).map(JWK::getKeyID).collectList().toFuture();
    org.awaitility.Awaitility.await("the first fetch reached the issuer").atMost(Duration.ofSeconds(10))
        .until(() -> fetches.get() == 1);
    var secondCaller = source.apply(token("first")).map(JWK::getKeyID).collectList().toFuture();
    answerAllowed.countDown();

    assertThat(firstCaller.get(10, java.util.concurrent.TimeUnit.SECONDS)).containsExactly("first");
    assertThat(secondCaller.get(10, java.util.concurrent.TimeUnit.SECONDS)).containsExactly("first");
    assertThat(fetches).as("one fetch for both").hasValue(1);
  }

  @Test
  void aTokenNoHeldKeyCanVerifyWhileTheIssuerIsDownIsUnverifiableNotInvalid() throws Exception {
    issuerDown = true;
    for (int i = 0; i < 3; i++) {
      assertThat(source.apply(token("any")).collectList().toFuture())
          .as("attempt %d", i + 1)
          .failsWithin(Duration.ofSeconds(10))
          .withThrowableThat().havingCause().isInstanceOf(SigningKeysUnavailableException.class);
    }
    assertThat(fetches).as("one fetch per minimum interval, even when it failed").hasValue(1);

    issuerDown = false;
    serve(key("any"));
    clock.advance(MIN_REFRESH.plusSeconds(1));
    assertThat(keysFor("any")).containsExactly("any");
  }

  @Test
  void tokensOfAnAlgorithmNeverAllowedCauseNoFetch() throws Exception {
    serve(key("real"));
    SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("real").build(),
        new JWTClaimsSet.Builder().build());
    assertThat(source.apply(hmac).collectList().block()).isEmpty();
    assertThat(fetches).hasValue(0);
  }

  private List<String> keysFor(String keyId) {
    return source.apply(token(keyId)).map(JWK::getKeyID).collectList().block(Duration.ofSeconds(10));
  }

  private static SignedJWT token(String keyId) {
    return new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keyId).build(),
        new JWTClaimsSet.Builder().subject("someone").build());
  }

  private void serve(RSAKey... keys) {
    served.set(new JWKSet(List.<JWK>of(keys)).toPublicJWKSet().toString());
  }

  private static RSAKey key(String keyId) throws Exception {
    return new RSAKeyGenerator(2048).keyID(keyId).generate();
  }

  /** A clock the test moves. */
  private static final class MovableClock extends Clock {
    private final AtomicReference<Instant> now;

    MovableClock(Instant start) {
      this.now = new AtomicReference<>(start);
    }

    void advance(Duration duration) {
      now.updateAndGet(instant -> instant.plus(duration));
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
