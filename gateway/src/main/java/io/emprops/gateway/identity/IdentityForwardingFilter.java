package io.emprops.gateway.identity;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR;

import io.emprops.gateway.security.CallerAuthentication;
import io.emprops.gateway.security.apikeys.ApiKeyAuthentication;
import io.emprops.web.identity.CallerIdentity;
import io.emprops.web.identity.IdentityHeaders;
import io.emprops.web.identity.InternalCredential;
import java.net.URI;
import java.util.List;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Tells the service who the caller is: {@code X-User-Id}, {@code X-User-Roles} and the
 * {@code X-Internal-Auth} HMAC over method, path and identity — on every forwarded request,
 * anonymous ones included (then without a user id). Runs after the route has fixed the URL,
 * so the credential covers the path exactly as the service receives it. The client's own
 * credentials stay at the edge: services trust the internal credential only.
 */
@Component
public class IdentityForwardingFilter implements GlobalFilter, Ordered {

  private final InternalCredential credential;

  public IdentityForwardingFilter(InternalCredential credential) {
    this.credential = credential;
  }

  @Override
  public int getOrder() {
    return RouteToRequestUrlFilter.ROUTE_TO_URL_FILTER_ORDER + 1;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
    return exchange.getPrincipal()
        .filter(CallerAuthentication.class::isInstance)
        .map(principal -> ((CallerAuthentication) principal).identity())
        .defaultIfEmpty(CallerIdentity.anonymous())
        .flatMap(caller -> chain.filter(exchange.mutate().request(forwarded(exchange, caller)).build()));
  }

  private ServerHttpRequest forwarded(ServerWebExchange exchange, CallerIdentity caller) {
    URI target = exchange.getRequiredAttribute(GATEWAY_REQUEST_URL_ATTR);
    ServerHttpRequest request = exchange.getRequest();
    String signature = credential.sign(request.getMethod().name(), target.getRawPath(), caller);
    return request.mutate().headers(headers -> {
      // Already stripped at the edge; removed again so this filter is correct on its own.
      headers.headerNames().stream().filter(IdentityHeaders::isReserved).toList()
          .forEach(headers::remove);
      headers.remove(HttpHeaders.AUTHORIZATION);
      headers.remove(ApiKeyAuthentication.HEADER);
      caller.userId().ifPresent(userId -> {
        headers.set(IdentityHeaders.USER_ID, userId);
        headers.set(IdentityHeaders.USER_ROLES, caller.rolesHeader());
      });
      headers.set(IdentityHeaders.INTERNAL_AUTH, signature);
      keepOwnHeadersOutOfConnection(headers);
    }).build();
  }

  /**
   * The proxy drops every header that {@code Connection} names (hop-by-hop, RFC 9110 §7.6.1): a
   * client sending {@code Connection: X-User-Roles} would have the identity removed after it was
   * added. Such tokens are removed from {@code Connection}; other hop-by-hop names stay.
   */
  static void keepOwnHeadersOutOfConnection(HttpHeaders headers) {
    List<String> connection = headers.getConnection();
    if (connection.isEmpty()) {
      return;
    }
    List<String> kept = connection.stream().map(String::trim)
        .filter(token -> !IdentityHeaders.isReserved(token)).toList();
    if (kept.size() == connection.size()) {
      return;
    }
    if (kept.isEmpty()) {
      headers.remove(HttpHeaders.CONNECTION);
    } else {
      headers.setConnection(kept);
    }
  }
}
