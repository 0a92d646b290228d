package io.emprops.gateway.security.apikeys;

import io.emprops.gateway.security.CallerAuthentication;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher.MatchResult;
import reactor.core.publisher.Mono;

/**
 * {@code X-API-Key} authentication, for requests without an {@code Authorization} header (a
 * bearer token, when present, is what counts).
 */
public final class ApiKeyAuthentication {

  public static final String HEADER = "X-API-Key";

  private ApiKeyAuthentication() {}

  /** Requests this mechanism handles. */
  public static ServerWebExchangeMatcher matcher() {
    return exchange -> {
      HttpHeaders headers = exchange.getRequest().getHeaders();
      return headers.containsHeader(HEADER) && !headers.containsHeader(HttpHeaders.AUTHORIZATION)
          ? MatchResult.match()
          : MatchResult.notMatch();
    };
  }

  /** The presented key, carried as the credentials of a not-yet-authenticated token. */
  public static ServerAuthenticationConverter converter() {
    return exchange -> Mono.justOrEmpty(exchange.getRequest().getHeaders().getFirst(HEADER))
        .map(key -> UsernamePasswordAuthenticationToken.unauthenticated(HEADER, key));
  }

  public static ReactiveAuthenticationManager manager(ApiKeyStore store) {
    return presented -> store.authenticate(String.valueOf(presented.getCredentials()))
        .<org.springframework.security.core.Authentication>map(key -> new CallerAuthentication(
            key.userId(), key.roles(), CallerAuthentication.Method.API_KEY))
        .switchIfEmpty(Mono.error(() -> new BadCredentialsException("Invalid or revoked API key")));
  }
}
