package io.emprops.gateway.security;

import java.util.List;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.server.util.matcher.OrServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.PathPatternParserServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;

/**
 * What anyone may call without credentials (API.md "Authentication"). A caller who does send
 * credentials is still verified here, so that the service learns who they are.
 */
public final class PublicEndpoints {

  /** Public reads of the API: counted against the anonymous-browse limit when anonymous. */
  public static final ServerWebExchangeMatcher PUBLIC_API = anyOf(HttpMethod.GET,
      "/collections",
      // "owner, or anyone once published": the collections service decides.
      "/collections/{id}",
      "/collections/{id}/public",
      "/feed",
      "/metadata/**",
      "/health/{service}");

  /** Operations endpoints and the API documentation. */
  public static final ServerWebExchangeMatcher OPERATIONS_AND_DOCS = anyOf(HttpMethod.GET,
      "/actuator/health",
      "/actuator/health/**",
      "/actuator/prometheus",
      "/docs",
      "/docs/**",
      "/webjars/**",
      "/v3/api-docs",
      "/v3/api-docs/**");

  /** Probes and scrapes: called by the platform every few seconds, never rate-limited. */
  public static final ServerWebExchangeMatcher ACTUATOR = anyOf(null, "/actuator/**");

  private PublicEndpoints() {}

  private static ServerWebExchangeMatcher anyOf(HttpMethod method, String... patterns) {
    List<ServerWebExchangeMatcher> matchers = java.util.Arrays.stream(patterns)
        .<ServerWebExchangeMatcher>map(pattern -> method == null
            ? new PathPatternParserServerWebExchangeMatcher(pattern)
            : new PathPatternParserServerWebExchangeMatcher(pattern, method))
        .toList();
    return new OrServerWebExchangeMatcher(matchers);
  }
}
