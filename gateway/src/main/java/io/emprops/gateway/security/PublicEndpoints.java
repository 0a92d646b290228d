package io.emprops.gateway.security;

import java.util.Arrays;
import java.util.List;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher.MatchResult;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

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
      // Minted tokens: on-chain facts and what their public metadata shows.
      "/collections/{id}/tokens",
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
      "/swagger-ui/**",
      "/v3/api-docs",
      "/v3/api-docs/**");

  /** Probes and scrapes: called by the platform every few seconds, never rate-limited. */
  public static final ServerWebExchangeMatcher ACTUATOR = anyOf(null, "/actuator/**");

  private PublicEndpoints() {}

  /**
   * Matches {@code method} (any when null) and one of {@code patterns}. A plain check rather than
   * Security's {@code OrServerWebExchangeMatcher}, which formats a debug message for every pattern
   * it tries, on every request, whatever the log level (commons-logging formats eagerly).
   */
  private static ServerWebExchangeMatcher anyOf(HttpMethod method, String... patterns) {
    List<PathPattern> parsed = Arrays.stream(patterns).map(PathPatternParser.defaultInstance::parse).toList();
    return exchange -> {
      ServerHttpRequest request = exchange.getRequest();
      PathContainer path = request.getPath().pathWithinApplication();
      boolean matches = (method == null || method.equals(request.getMethod()))
          && parsed.stream().anyMatch(pattern -> pattern.matches(path));
      return matches ? MatchResult.match() : MatchResult.notMatch();
    };
  }
}
