package io.emprops.gateway.ratelimit;

import java.net.InetSocketAddress;
import org.springframework.web.server.ServerWebExchange;

/** The address a request came from, as the limits key anonymous and failing callers. */
public final class ClientAddress {

  private ClientAddress() {}

  public static String of(ServerWebExchange exchange) {
    InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
    return remote == null || remote.getAddress() == null
        ? "unknown"
        : remote.getAddress().getHostAddress();
  }
}
