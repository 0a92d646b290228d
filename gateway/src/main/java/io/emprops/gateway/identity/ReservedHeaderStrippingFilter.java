package io.emprops.gateway.identity;

import io.emprops.web.identity.IdentityHeaders;
import java.util.ArrayList;
import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Drops every client-sent {@code X-User-*} and {@code X-Internal-*} header before anything else
 * looks at the request: only the gateway speaks for the caller.
 */
@Component
public class ReservedHeaderStrippingFilter implements WebFilter, Ordered {

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    // forEach walks the headers in place; headerNames() would build a new name set per request.
    List<String> reserved = new ArrayList<>(0);
    exchange.getRequest().getHeaders().forEach((name, values) -> {
      if (IdentityHeaders.isReserved(name)) {
        reserved.add(name);
      }
    });
    if (reserved.isEmpty()) {
      return chain.filter(exchange);
    }
    ServerHttpRequest stripped = exchange.getRequest().mutate()
        .headers(headers -> reserved.forEach(headers::remove))
        .build();
    return chain.filter(exchange.mutate().request(stripped).build());
  }
}
