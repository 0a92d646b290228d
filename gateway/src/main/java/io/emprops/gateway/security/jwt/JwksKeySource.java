package io.emprops.gateway.security.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The issuer's public keys, fetched from its JWKS URL without blocking. The key set is cached
 * and fetched again when it is older than {@code refreshInterval}, or when a token names a key
 * id we do not know (the issuer rotated) — but then at most once per {@code minRefreshInterval},
 * so invented key ids cannot turn the gateway into a load generator against the issuer.
 * Concurrent requests share one fetch.
 */
public final class JwksKeySource implements Function<SignedJWT, Flux<JWK>> {

  private static final Logger log = LoggerFactory.getLogger(JwksKeySource.class);
  private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);

  private final WebClient client;
  private final URI jwksUri;
  private final Set<JWSAlgorithm> allowedAlgorithms;
  private final Duration refreshInterval;
  private final Duration minRefreshInterval;
  private final Clock clock;

  private final AtomicReference<Snapshot> current = new AtomicReference<>(Snapshot.EMPTY);
  private final AtomicReference<Mono<Snapshot>> inFlight = new AtomicReference<>();

  /** The keys, when they were fetched, and when a fetch was last attempted (even if it failed). */
  private record Snapshot(JWKSet keys, Instant fetchedAt, Instant attemptedAt) {
    static final Snapshot EMPTY = new Snapshot(new JWKSet(), Instant.EPOCH, Instant.EPOCH);
  }

  public JwksKeySource(WebClient client, URI jwksUri, Set<JWSAlgorithm> allowedAlgorithms,
      Duration refreshInterval, Duration minRefreshInterval, Clock clock) {
    this.client = client;
    this.jwksUri = jwksUri;
    this.allowedAlgorithms = Set.copyOf(allowedAlgorithms);
    this.refreshInterval = refreshInterval;
    this.minRefreshInterval = minRefreshInterval;
    this.clock = clock;
  }

  @Override
  public Flux<JWK> apply(SignedJWT token) {
    JWSAlgorithm algorithm = token.getHeader().getAlgorithm();
    if (!allowedAlgorithms.contains(algorithm)) {
      // Refused before any key lookup: no fetch for tokens that can never verify.
      return Flux.empty();
    }
    String keyId = token.getHeader().getKeyID();
    Snapshot snapshot = current.get();
    Instant now = clock.instant();
    boolean stale = snapshot.fetchedAt().plus(refreshInterval).isBefore(now);
    List<JWK> matches = matching(snapshot.keys(), keyId);
    if (!matches.isEmpty() && !stale) {
      return Flux.fromIterable(matches);
    }
    Mono<Snapshot> running = inFlight.get();
    if (running != null) {
      // A fetch already under way (the first requests after a start, a rotation): its answer
      // decides, not the key set it is about to replace.
      return keysFrom(running, keyId, matches);
    }
    boolean mayFetch = snapshot.attemptedAt().plus(minRefreshInterval).isBefore(now);
    if (!mayFetch) {
      boolean lastFetchFailed = snapshot.attemptedAt().isAfter(snapshot.fetchedAt());
      return matches.isEmpty() && lastFetchFailed
          ? Flux.error(new SigningKeysUnavailableException(jwksUri, null))
          : Flux.fromIterable(matches);
    }
    return keysFrom(refresh(), keyId, matches);
  }

  /**
   * The keys for {@code keyId} once {@code fetch} answers. When it fails, the keys we already have
   * keep verifying (the issuer is briefly unreachable); a token none of them can verify is then
   * not known to be bad — it may be signed with a key we could not fetch — so it is refused as
   * "cannot verify now" ({@link SigningKeysUnavailableException}, a 503), never as invalid.
   */
  private Flux<JWK> keysFrom(Mono<Snapshot> fetch, String keyId, List<JWK> known) {
    return fetch
        .map(fresh -> matching(fresh.keys(), keyId))
        .onErrorResume(error -> {
          log.warn("Cannot fetch the JWKS from {}: {}", jwksUri, error.toString());
          return known.isEmpty() ? Mono.error(new SigningKeysUnavailableException(jwksUri, error)) : Mono.just(known);
        })
        .flatMapMany(Flux::fromIterable);
  }

  /** Fetches the key set now, unless a fetch is under way (at start: the first tokens find it there). */
  public Mono<Void> prefetch() {
    return refresh()
        .doOnError(error -> log.warn("Cannot fetch the JWKS from {} yet: {}", jwksUri, error.toString()))
        .onErrorComplete()
        .then();
  }

  private static List<JWK> matching(JWKSet keys, String keyId) {
    if (keyId == null) {
      return keys.getKeys();
    }
    JWK key = keys.getKeyByKeyId(keyId);
    return key == null ? List.of() : List.of(key);
  }

  private Mono<Snapshot> refresh() {
    while (true) {
      Mono<Snapshot> running = inFlight.get();
      if (running != null) {
        return running;
      }
      // Cleared before the answer reaches anyone (doOnSuccess/doOnError run ahead of the signal):
      // a caller that has seen this fetch's answer never gets the same fetch again as "in flight".
      // Every fetch ends in one of the two (it has a timeout).
      Mono<Snapshot> fetch = fetch()
          .doOnSuccess(fresh -> inFlight.set(null))
          .doOnError(error -> inFlight.set(null))
          .cache();
      if (inFlight.compareAndSet(null, fetch)) {
        return fetch;
      }
    }
  }

  private Mono<Snapshot> fetch() {
    return Mono.defer(() -> {
          current.updateAndGet(previous ->
              new Snapshot(previous.keys(), previous.fetchedAt(), clock.instant()));
          return client.get().uri(jwksUri).retrieve().bodyToMono(String.class);
        })
        .timeout(FETCH_TIMEOUT)
        .map(body -> {
          try {
            Instant now = clock.instant();
            return new Snapshot(JWKSet.parse(body), now, now);
          } catch (ParseException e) {
            throw new IllegalStateException("the JWKS at " + jwksUri + " is not a key set", e);
          }
        })
        .doOnNext(fresh -> {
          current.set(fresh);
          log.info("Fetched {} signing key(s) from {}", fresh.keys().size(), jwksUri);
        });
  }
}
