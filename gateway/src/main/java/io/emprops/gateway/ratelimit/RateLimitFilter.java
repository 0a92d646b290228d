package io.emprops.gateway.ratelimit;

import io.emprops.gateway.config.GatewayProperties;
import io.emprops.gateway.config.GatewayProperties.Limit;
import io.emprops.gateway.errors.EnvelopeResponses;
import io.emprops.gateway.security.CallerAuthentication;
import io.emprops.gateway.security.PublicEndpoints;
import io.emprops.web.api.ErrorCode;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Applies the limits of API.md per user, or per client IP when anonymous, and puts
 * {@code X-RateLimit-*} on the response. Runs inside the security chain after authentication,
 * so it knows the caller. If Redis cannot be reached the request passes (fail open): losing
 * rate limiting for a moment is better than losing the API.
 */
public class RateLimitFilter implements WebFilter {

  public static final String LIMIT_HEADER = "X-RateLimit-Limit";
  public static final String REMAINING_HEADER = "X-RateLimit-Remaining";
  public static final String RESET_HEADER = "X-RateLimit-Reset";

  private static final Logger log = LoggerFactory.getLogger(RateLimitFilter.class);
  private static final PathPattern GENERATIONS =
      PathPatternParser.defaultInstance.parse("/collections/{id}/generations");
  private static final PathPattern GENERATE =
      PathPatternParser.defaultInstance.parse("/api/collections/generate");
  private static final PathPattern ASSETS = PathPatternParser.defaultInstance.parse("/assets");

  private final FixedWindowRateLimiter limiter;
  private final Map<RateLimitClass, Limit> limits;
  private final boolean enabled;
  private final java.time.Duration redisBudget;
  private final Clock clock;

  public RateLimitFilter(FixedWindowRateLimiter limiter, GatewayProperties.RateLimits settings, Clock clock) {
    this.limiter = limiter;
    this.limits = settings.byClass();
    this.enabled = settings.enabled();
    this.redisBudget = settings.redisBudget();
    this.clock = clock;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    if (!enabled) {
      return chain.filter(exchange);
    }
    return matches(PublicEndpoints.ACTUATOR, exchange).flatMap(isActuator -> isActuator
        ? chain.filter(exchange)
        : ReactiveSecurityContextHolder.getContext()
            .map(SecurityContext::getAuthentication)
            .filter(CallerAuthentication.class::isInstance)
            .cast(CallerAuthentication.class)
            .map(caller -> limitFor(exchange, caller))
            .switchIfEmpty(Mono.fromSupplier(() -> anonymousLimit(exchange)))
            .flatMap(target -> target == UNLIMITED ? Mono.just(Optional.<RateLimitDecision>empty())
                : limiter.count(target.rateClass(), target.subject(), target.limit())
                // Fail open fast: without this a slow or dead Redis would hold every request
                // for the client's command timeout (seconds) before letting it pass.
                .timeout(redisBudget)
                .map(Optional::of)
                .onErrorResume(error -> {
                  log.warn("Rate limiting unavailable, letting the request pass: {}", error.toString());
                  return Mono.just(Optional.empty());
                }))
            .flatMap(decision -> {
              if (decision.isEmpty()) {
                return chain.filter(exchange);
              }
              announce(exchange, decision.get());
              return decision.get().allowed() ? chain.filter(exchange) : rejected(exchange, decision.get());
            }));
  }

  private record Target(RateLimitClass rateClass, String subject, Limit limit) {}

  /**
   * A service identity (the job queue's call-backs, one per workflow it finishes, whoever's): its
   * volume follows every user's jobs together, so no per-user limit fits it.
   */
  private static final Target UNLIMITED = new Target(RateLimitClass.STANDARD, "service", null);

  private Target limitFor(ServerWebExchange exchange, CallerAuthentication caller) {
    if (caller.method() == CallerAuthentication.Method.SERVICE_KEY) {
      return UNLIMITED;
    }
    RateLimitClass rateClass = classOf(exchange);
    return new Target(rateClass, "user:" + caller.getName(), limits.get(rateClass));
  }

  private Target anonymousLimit(ServerWebExchange exchange) {
    return new Target(RateLimitClass.ANONYMOUS_BROWSE, "ip:" + ClientAddress.of(exchange),
        limits.get(RateLimitClass.ANONYMOUS_BROWSE));
  }

  static RateLimitClass classOf(ServerWebExchange exchange) {
    var path = exchange.getRequest().getPath().pathWithinApplication();
    if (HttpMethod.POST.equals(exchange.getRequest().getMethod())) {
      if (GENERATIONS.matches(path) || GENERATE.matches(path)) {
        return RateLimitClass.GENERATION;
      }
      if (ASSETS.matches(path)) {
        return RateLimitClass.UPLOAD;
      }
    }
    return RateLimitClass.STANDARD;
  }

  private static void announce(ServerWebExchange exchange, RateLimitDecision decision) {
    HttpHeaders headers = exchange.getResponse().getHeaders();
    // Set just before commit: a proxied response's own headers are copied in after this point.
    exchange.getResponse().beforeCommit(() -> {
      headers.set(LIMIT_HEADER, Integer.toString(decision.limit()));
      headers.set(REMAINING_HEADER, Integer.toString(decision.remaining()));
      headers.set(RESET_HEADER, Long.toString(decision.resetEpochSeconds()));
      return Mono.empty();
    });
  }

  private Mono<Void> rejected(ServerWebExchange exchange, RateLimitDecision decision) {
    long retryAfter = Math.max(1, decision.resetEpochSeconds() - clock.instant().getEpochSecond());
    exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
    return EnvelopeResponses.write(exchange, ErrorCode.RATE_LIMITED, "Rate limit exceeded; retry after "
        + retryAfter + " s");
  }

  private static Mono<Boolean> matches(ServerWebExchangeMatcher matcher, ServerWebExchange exchange) {
    return matcher.matches(exchange).map(ServerWebExchangeMatcher.MatchResult::isMatch);
  }
}
