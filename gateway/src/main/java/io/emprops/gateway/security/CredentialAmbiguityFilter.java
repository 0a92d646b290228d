package io.emprops.gateway.security;

import io.emprops.gateway.errors.EnvelopeResponses;
import io.emprops.gateway.security.apikeys.ApiKeyAuthentication;
import io.emprops.web.api.ErrorCode;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * One request, one credential. With two {@code Authorization} headers, two API keys, or a token
 * and an API key, which of them speaks for the caller would depend on which filter looks first —
 * a valid token could carry a forged key past logging and limits keyed on the other. Such a
 * request is refused before any credential is checked: 400 {@code AMBIGUOUS_CREDENTIALS}.
 */
public final class CredentialAmbiguityFilter implements WebFilter {

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    HttpHeaders headers = exchange.getRequest().getHeaders();
    int authorizations = count(headers.get(HttpHeaders.AUTHORIZATION));
    int apiKeys = count(headers.get(ApiKeyAuthentication.HEADER));
    if (authorizations + apiKeys > 1) {
      return EnvelopeResponses.write(exchange, ErrorCode.AMBIGUOUS_CREDENTIALS,
          "Send exactly one credential: one Authorization header or one X-API-Key, not both");
    }
    return chain.filter(exchange);
  }

  /** Header values as sent; a comma-joined value counts once per element (RFC 9110 §5.3). */
  private static int count(List<String> values) {
    if (values == null) {
      return 0;
    }
    int n = 0;
    for (String value : values) {
      n += value.isBlank() ? 1 : value.split(",", -1).length;
    }
    return n;
  }
}
