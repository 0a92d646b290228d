package io.emprops.gateway.routing;

import io.netty.channel.EventLoop;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.RequestUpgradeStrategy;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;

/**
 * Clients of the WebSocket route ({@code /ws}) are upgraded on their connection's own thread.
 *
 * <p>The gateway's filters before the upgrade end on other threads (the rate limiter's answer
 * comes on Redis's). Upgraded from there, Reactor Netty switches the connection to WebSocket a
 * moment after the 101 has gone out, and a message the client sends on the 101 (a subscribe,
 * typically) can reach the connection's finished HTTP exchange instead, which drops it ("dropping
 * frame" at DEBUG): measured, 2 in 300 first messages through the gateway, none straight to the
 * service, and 4 in 90 subscriptions in the running suite, whose clients then waited for events
 * that never came. On the connection's thread the switch is made before the next read.
 */
@Configuration(proxyBeanMethods = false)
public class WebSocketProxying {

  /** The service Spring Cloud Gateway's WebSocket routing filter upgrades clients with. */
  @Bean
  @Primary
  WebSocketService upgradeOnTheConnectionsThread(RequestUpgradeStrategy upgrades) {
    return new HandshakeWebSocketService(upgrades) {
      @Override
      public Mono<Void> handleRequest(ServerWebExchange exchange, WebSocketHandler handler) {
        Mono<Void> upgrade = Mono.defer(() -> super.handleRequest(exchange, handler));
        if (ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest()) instanceof Connection connection) {
          EventLoop connectionThread = connection.channel().eventLoop();
          if (!connectionThread.inEventLoop()) {
            return upgrade.subscribeOn(Schedulers.fromExecutor(connectionThread));
          }
        }
        return upgrade;
      }
    };
  }
}
