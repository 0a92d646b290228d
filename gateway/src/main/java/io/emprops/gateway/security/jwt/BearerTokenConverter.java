package io.emprops.gateway.security.jwt;

import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Reads {@code Authorization: Bearer <token>} (RFC 6750 §2.1) exactly as Security's
 * {@code ServerBearerTokenAuthenticationConverter} does — any other scheme is no bearer token, a
 * malformed one is refused as {@code invalid_token}, the query string is never looked at — but
 * with a character loop instead of its case-insensitive regex, which alone took about 4% of the
 * gateway's CPU per request.
 */
public final class BearerTokenConverter implements ServerAuthenticationConverter {

  private static final String SCHEME = "bearer";

  @Override
  public Mono<Authentication> convert(ServerWebExchange exchange) {
    String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
    if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return Mono.empty();
    }
    String token = token(authorization);
    if (token == null) {
      return Mono.error(new OAuth2AuthenticationException(
          BearerTokenErrors.invalidToken("Bearer token is malformed")));
    }
    return Mono.just(new BearerTokenAuthenticationToken(token));
  }

  /**
   * The b64token of {@code "Bearer" SP b64token}, where b64token is
   * {@code 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}; null when the header is
   * not exactly that.
   */
  static String token(String authorization) {
    int start = SCHEME.length() + 1;
    if (authorization.length() <= start || authorization.charAt(SCHEME.length()) != ' ') {
      return null;
    }
    int end = authorization.length();
    while (end > start && authorization.charAt(end - 1) == '=') {
      end--;
    }
    if (end == start) {
      return null;
    }
    for (int i = start; i < end; i++) {
      if (!isToken68(authorization.charAt(i))) {
        return null;
      }
    }
    return authorization.substring(start);
  }

  private static boolean isToken68(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
  }
}
