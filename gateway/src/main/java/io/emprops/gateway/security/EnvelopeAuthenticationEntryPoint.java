package io.emprops.gateway.security;

import io.emprops.gateway.errors.EnvelopeResponses;
import io.emprops.gateway.ratelimit.FailedAuthenticationThrottle;
import io.emprops.web.api.ErrorCode;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * 401 in the envelope with a {@code WWW-Authenticate} challenge (RFC 6750). The message says
 * what was wrong in general terms only: which check a forged token failed is not the client's
 * business. A refused credential is counted against its client address; past the limit the
 * answer is 429 with {@code Retry-After} ({@link FailedAuthenticationThrottle}).
 */
public final class EnvelopeAuthenticationEntryPoint implements ServerAuthenticationEntryPoint {

  private final FailedAuthenticationThrottle throttle;

  public EnvelopeAuthenticationEntryPoint(FailedAuthenticationThrottle throttle) {
    this.throttle = throttle;
  }

  @Override
  public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException failure) {
    boolean credentialsPresented =
        failure instanceof OAuth2AuthenticationException || failure instanceof BadCredentialsException;
    if (!credentialsPresented) {
      return unauthorized(exchange, failure, false);
    }
    return throttle.recordFailure(exchange).flatMap(wait -> {
      if (wait.isEmpty()) {
        return unauthorized(exchange, failure, true);
      }
      exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(wait.get()));
      return EnvelopeResponses.write(exchange, ErrorCode.RATE_LIMITED,
          "Too many failed authentications from this address; retry after " + wait.get() + " s");
    });
  }

  private static Mono<Void> unauthorized(ServerWebExchange exchange, AuthenticationException failure,
      boolean credentialsPresented) {
    String challenge = credentialsPresented
        ? "Bearer realm=\"emprops\", error=\"invalid_token\""
        : "Bearer realm=\"emprops\"";
    String message = failure instanceof BadCredentialsException
        ? "Invalid or revoked API key"
        : credentialsPresented ? "Invalid or expired token" : "Authentication required";
    exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, challenge);
    return EnvelopeResponses.write(exchange, ErrorCode.UNAUTHORIZED, message);
  }
}
