package io.emprops.gateway.routing;

import io.emprops.gateway.config.GatewayProperties;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.GatewayFilterSpec;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;

/**
 * Which service answers which path (API.md). Routes are tried in the order written here, so the
 * more specific {@code /collections/{id}/…} paths of the generator and of publishing come
 * before the collections service's {@code /collections/**}. Paths are forwarded unchanged — the
 * services verify the internal credential over the path they receive — except the health and
 * API-docs routes, which map a gateway path onto each service's own endpoint.
 */
@Configuration(proxyBeanMethods = false)
public class ServiceRoutes {

  /**
   * Sends a GET or HEAD again, once, when it failed with an I/O error before any of the response
   * went out. Not Spring Cloud Gateway's Retry filter: that one makes its route hold every request
   * body in memory before forwarding it (uploads included), and costs a retry companion per request.
   */
  private static final GatewayFilter RETRY_READ_ONCE = (exchange, chain) -> {
    HttpMethod method = exchange.getRequest().getMethod();
    if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
      return chain.filter(exchange);
    }
    return chain.filter(exchange).onErrorResume(
        error -> !exchange.getResponse().isCommitted()
            && (error instanceof IOException || error.getCause() instanceof IOException),
        error -> {
          ServerWebExchangeUtils.reset(exchange);
          return chain.filter(exchange);
        });
  };

  @Bean
  RouteLocator serviceRouteLocator(RouteLocatorBuilder builder, GatewayProperties properties) {
    GatewayProperties.Services services = properties.services();
    RouteLocatorBuilder.Builder routes = builder.routes()
        // Long-lived streams: no circuit breaker (a stream is not a slow call) and no retry.
        .route("generator-streams", r -> r
            .path("/jobs/{id}/events", "/ws")
            .uri(services.generator()))
        .route("generator", r -> r
            .path("/api/collections/generate", "/collections/{id}/generations",
                "/jobs/**", "/workflows/**", "/models/**",
                // The job queue's call-back (with /jobs/{id}/steps and /jobs/{id}/complete).
                "/steps/{id}/complete")
            .filters(f -> resilient(f, "generator"))
            .uri(services.generator()))
        .route("publishing", r -> r
            .path("/collections/{id}/publication", "/chains/**", "/metadata/**")
            .filters(f -> resilient(f, "publishing"))
            .uri(services.publishing()))
        .route("credits", r -> r
            .path("/credits/**")
            .filters(f -> resilient(f, "credits"))
            .uri(services.credits()))
        .route("storage", r -> r
            .path("/assets/**")
            .filters(f -> resilient(f, "storage"))
            .uri(services.storage()))
        .route("collections", r -> r
            .path("/projects/**", "/collections/**", "/feed", "/api/collections/create")
            .filters(f -> resilient(f, "collections"))
            .uri(services.collections()));

    for (Map.Entry<String, URI> service : services.byName().entrySet()) {
      String name = service.getKey();
      routes
          .route(name + "-health", r -> r
              .method(HttpMethod.GET).and().path("/health/" + name)
              .filters(f -> f.setPath("/actuator/health/readiness")
                  .circuitBreaker(breaker -> breaker.setName(name)))
              .uri(service.getValue()))
          .route(name + "-api-docs", r -> r
              .method(HttpMethod.GET).and().path("/v3/api-docs/" + name)
              .filters(f -> resilient(f.setPath("/v3/api-docs"), name))
              .uri(service.getValue()));
    }
    return routes.build();
  }

  /**
   * One circuit breaker per service, so a dead service answers 503 at once instead of holding
   * connections; reads are retried once on an I/O failure (typically a pooled connection the
   * service closed). Writes are never retried: they are not idempotent.
   */
  private static GatewayFilterSpec resilient(GatewayFilterSpec filters, String service) {
    return filters
        .circuitBreaker(breaker -> breaker.setName(service))
        .filter(RETRY_READ_ONCE);
  }
}
