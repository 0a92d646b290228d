package io.emprops.gateway.ratelimit;

import io.emprops.gateway.config.GatewayProperties;
import io.emprops.gateway.config.GatewayProperties.Limit;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Counts refused credentials per client address. It is consulted only once a credential has
 * failed, so a valid caller never waits for it — not even one behind the same address as an
 * attacker; past the limit, that address's failures are answered 429 with {@code Retry-After}
 * instead of 401 until the window ends. Fails open like the request limits.
 */
@Component
public class FailedAuthenticationThrottle {

  private static final Logger log = LoggerFactory.getLogger(FailedAuthenticationThrottle.class);

  private final FixedWindowRateLimiter limiter;
  private final Limit limit;
  private final boolean enabled;
  private final java.time.Duration redisBudget;
  private final Clock clock;

  public FailedAuthenticationThrottle(FixedWindowRateLimiter limiter, GatewayProperties properties, Clock clock) {
    this.limiter = limiter;
    this.limit = properties.rateLimits().failedAuthentication();
    this.enabled = properties.rateLimits().enabled();
    this.redisBudget = properties.rateLimits().redisBudget();
    this.clock = clock;
  }

  /** Counts one failure of this request's address; the seconds to wait when it is over the limit. */
  public Mono<Optional<Long>> recordFailure(ServerWebExchange exchange) {
    if (!enabled) {
      return Mono.just(Optional.empty());
    }
    return limiter.count(RateLimitClass.FAILED_AUTHENTICATION, "ip:" + ClientAddress.of(exchange), limit)
        .timeout(redisBudget)
        .map(decision -> decision.allowed() ? Optional.<Long>empty()
            : Optional.of(Math.max(1, decision.resetEpochSeconds() - clock.instant().getEpochSecond())))
        .onErrorResume(error -> {
          log.warn("Failed-authentication throttle unavailable, answering 401: {}", error.toString());
          return Mono.just(Optional.empty());
        });
  }
}
