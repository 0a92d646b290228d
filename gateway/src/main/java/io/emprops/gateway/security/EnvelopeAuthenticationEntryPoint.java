package io.emprops.gateway.security;

import io.emprops.gateway.errors.EnvelopeResponses;
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
 * business.
 */
public final class EnvelopeAuthenticationEntryPoint implements ServerAuthenticationEntryPoint {

  @Override
  public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException failure) {
    boolean credentialsPresented =
        failure instanceof OAuth2AuthenticationException || failure instanceof BadCredentialsException;
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
