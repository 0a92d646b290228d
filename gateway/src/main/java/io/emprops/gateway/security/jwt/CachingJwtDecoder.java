package io.emprops.gateway.security.jwt;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/**
 * Remembers tokens that passed full verification, so that a client calling again with the same
 * token does not pay the signature check and claim parsing on every request (a fifth of the
 * gateway's CPU per request without it). Keyed by the exact token text: a token changed in any
 * part is another key and is verified anew, and failures are never remembered. An entry lives
 * until the token expires but at most {@link #MAX_TRUST}, which bounds how long a token signed
 * with a key the issuer withdrew from its JWKS keeps working; exp and nbf are checked again on
 * every hit.
 */
public final class CachingJwtDecoder implements ReactiveJwtDecoder {

  static final Duration MAX_TRUST = Duration.ofSeconds(60);
  static final int MAX_ENTRIES = 10_000;

  private final ReactiveJwtDecoder verifier;
  private final OAuth2TokenValidator<Jwt> timestamps;
  private final Cache<String, Jwt> verified;

  public CachingJwtDecoder(ReactiveJwtDecoder verifier, OAuth2TokenValidator<Jwt> timestamps, Clock clock) {
    this.verifier = verifier;
    this.timestamps = timestamps;
    this.verified = Caffeine.newBuilder()
        .maximumSize(MAX_ENTRIES)
        .expireAfter(Expiry.creating((String token, Jwt jwt) -> trustPeriod(jwt, clock)))
        .build();
  }

  @Override
  public Mono<Jwt> decode(String token) {
    Jwt known = verified.getIfPresent(token);
    if (known != null && !timestamps.validate(known).hasErrors()) {
      return Mono.just(known);
    }
    return verifier.decode(token)
        .doOnNext(jwt -> verified.put(token, jwt))
        // Nimbus wraps what the key source signals in an IllegalStateException, which Spring
        // Security would pass on as a 500: unwrapped, it becomes the 503 it stands for.
        .onErrorMap(error -> keysUnavailable(error) != null, CachingJwtDecoder::keysUnavailable);
  }

  private static SigningKeysUnavailableException keysUnavailable(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof SigningKeysUnavailableException unavailable) {
        return unavailable;
      }
    }
    return null;
  }

  private static Duration trustPeriod(Jwt jwt, Clock clock) {
    // The verifier refuses tokens without exp, so only verified tokens with one get here.
    Duration untilExpiry = Duration.between(clock.instant(), jwt.getExpiresAt());
    if (untilExpiry.isNegative()) {
      return Duration.ZERO;
    }
    return untilExpiry.compareTo(MAX_TRUST) < 0 ? untilExpiry : MAX_TRUST;
  }
}
