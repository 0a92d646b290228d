package io.emprops.gateway.routing;

import io.emprops.gateway.config.GatewayProperties;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.GatewayFilterSpec;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The routes of {@link RoutedPaths}, in its order. Paths are forwarded unchanged — the services
 * verify the internal credential over the path they receive — except the health routes, which
 * map {@code /health/{service}} onto each service's readiness probe. The services' API documents
 * are served by the gateway itself ({@code docs/AggregatedApiDocs}), filtered to routed paths.
 *
 * <p>A service configured with one URI is routed to directly. One with several instances is
 * routed to {@code lb://<service>}: Spring Cloud LoadBalancer takes turns among them
 * ({@link ConfiguredInstances}), and a request whose connection an instance refused goes to the
 * next one ({@link #failOverRefusedConnections}).
 */
@Configuration(proxyBeanMethods = false)
@LoadBalancerClients(defaultConfiguration = ConfiguredInstances.class)
public class ServiceRoutes {

  /**
   * Sends a GET or HEAD again, once, when it failed with an I/O error before any of the response
   * went out. Not Spring Cloud Gateway's Retry filter: that one makes its route hold every request
   * body in memory before forwarding it (uploads included), and costs a retry companion per request.
   */
  private static final GatewayFilter RETRY_READ_ONCE = (exchange, chain) -> {
    HttpMethod method = exchange.getRequest().getMethod();
    return HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method)
        ? resending(exchange, chain, ServiceRoutes::isIoFailure, 1)
        : chain.filter(exchange);
  };

  @Bean
  RouteLocator serviceRouteLocator(RouteLocatorBuilder builder, GatewayProperties properties) {
    Map<String, List<URI>> services = properties.services().byName();
    RouteLocatorBuilder.Builder routes = builder.routes();
    for (RoutedPaths.Route route : RoutedPaths.ROUTES) {
      List<URI> instances = services.get(route.service());
      // Long-lived streams: no circuit breaker (a stream is not a slow call) and no retry.
      boolean streams = route == RoutedPaths.GENERATOR_STREAMS;
      routes.route(route.id(), r -> r.path(route.patternArray())
          .filters(f -> balanced(streams ? f : resilient(f, route.service()), instances))
          .uri(target(route.service(), instances)));
    }

    services.forEach((name, instances) -> routes.route(name + "-health", r -> r
        .method(HttpMethod.GET).and().path("/health/" + name)
        // Balanced like the service's routes: answered by any instance that accepts the connection.
        .filters(f -> balanced(f.setPath("/actuator/health/readiness")
            .circuitBreaker(breaker -> breaker.setName(name)), instances))
        .uri(target(name, instances))));
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

  private static URI target(String service, List<URI> instances) {
    return instances.size() == 1 ? instances.getFirst() : URI.create("lb://" + service);
  }

  private static GatewayFilterSpec balanced(GatewayFilterSpec filters, List<URI> instances) {
    return instances.size() == 1 ? filters : filters.filter(
        failOverRefusedConnections(instances.size()), RouteToRequestUrlFilter.ROUTE_TO_URL_FILTER_ORDER - 1);
  }

  /**
   * Sends a request to another instance when connecting to the chosen one failed. Nothing of the
   * request reached the service, so this holds for every method, writes included; and the body
   * is still unread (the routing filter subscribes to it only once connected), so it streams to
   * the next instance unbuffered. The innermost route filter: the circuit breaker and the read
   * retry see only the outcome, and running the chain again from here resolves {@code lb://}
   * anew, where the balancer by then leaves the refusing instance out ({@link RefusedInstances}).
   * A WebSocket connects onwards only after its client was upgraded, too late for this: it fails
   * over in {@link FailingOverWebSocketClient}.
   */
  private static GatewayFilter failOverRefusedConnections(int instances) {
    return (exchange, chain) -> resending(exchange, chain, RefusedInstances::isConnectFailure, instances - 1);
  }

  /**
   * The rest of the chain, run again up to {@code times} more times after an error that
   * {@code resendable} accepts, as long as none of the response has gone out.
   */
  private static Mono<Void> resending(ServerWebExchange exchange, GatewayFilterChain chain,
      Predicate<Throwable> resendable, int times) {
    return chain.filter(exchange).onErrorResume(
        error -> times > 0 && resendable.test(error) && !exchange.getResponse().isCommitted(),
        error -> {
          ServerWebExchangeUtils.reset(exchange);
          return resending(exchange, chain, resendable, times - 1);
        });
  }

  private static boolean isIoFailure(Throwable error) {
    return error instanceof IOException || error.getCause() instanceof IOException;
  }
}
