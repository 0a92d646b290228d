package io.emprops.gateway.security.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import reactor.core.publisher.Mono;

class CachingJwtDecoderTest {

  private final AtomicInteger verifications = new AtomicInteger();

  @Test
  void aVerifiedTokenIsNotVerifiedAgain() {
    CachingJwtDecoder decoder = decoder(token -> jwt(token, Instant.now().plusSeconds(300)));

    Jwt first = decoder.decode("t1").block();
    Jwt second = decoder.decode("t1").block();

    assertThat(second).isSameAs(first);
    assertThat(verifications).hasValue(1);
  }

  @Test
  void anyOtherTokenIsVerified() {
    CachingJwtDecoder decoder = decoder(token -> jwt(token, Instant.now().plusSeconds(300)));

    decoder.decode("t1").block();
    decoder.decode("t1x").block();

    assertThat(verifications).hasValue(2);
  }

  @Test
  void aRefusedTokenIsRefusedEveryTime() {
    CachingJwtDecoder decoder = decoder(token -> {
      throw new BadJwtException("forged");
    });

    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> decoder.decode("forged").block()).isInstanceOf(BadJwtException.class);
    }
    assertThat(verifications).hasValue(2);
  }

  @Test
  void anExpiredTokenIsNotServedFromTheCache() {
    // The validator's own clock is the real one: a token that expired a minute ago fails it
    // (30 s skew), while the cache, on a clock two minutes behind, still holds the entry.
    Clock behind = Clock.fixed(Instant.now().minus(Duration.ofMinutes(2)), ZoneOffset.UTC);
    CachingJwtDecoder decoder = new CachingJwtDecoder(
        token -> {
          verifications.incrementAndGet();
          return Mono.just(jwt(token, Instant.now().minus(Duration.ofMinutes(1))));
        },
        new JwtTimestampValidator(Duration.ofSeconds(30)), behind);

    decoder.decode("t1").block();
    decoder.decode("t1").block();

    assertThat(verifications).hasValue(2);
  }

  private CachingJwtDecoder decoder(java.util.function.Function<String, Jwt> verify) {
    return new CachingJwtDecoder(
        token -> Mono.fromSupplier(() -> {
          verifications.incrementAndGet();
          return verify.apply(token);
        }),
        new JwtTimestampValidator(Duration.ofSeconds(30)), Clock.systemUTC());
  }

  private static Jwt jwt(String token, Instant expiresAt) {
    return Jwt.withTokenValue(token)
        .header("alg", "RS256")
        .subject("u1")
        .issuedAt(expiresAt.minusSeconds(600))
        .expiresAt(expiresAt)
        .build();
  }
}
