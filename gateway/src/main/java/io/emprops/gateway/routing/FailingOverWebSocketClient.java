package io.emprops.gateway.routing;

import io.emprops.gateway.config.GatewayProperties;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.context.annotation.Primary;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import org.springframework.web.reactive.socket.client.WebSocketClient;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

/**
 * The client the WebSocket route connects to the service with. The route's fail-over cannot
 * help a WebSocket: Spring Cloud Gateway upgrades the client first and connects onwards from the
 * upgraded socket. So when an instance of a balanced service refuses that connection, this
 * client leaves it out ({@link RefusedInstances}) and connects to the instance the balancer
 * chooses next; what the client sent meanwhile waits in its socket.
 */
@Primary
@Component
class FailingOverWebSocketClient implements WebSocketClient {

  private record Balanced(String service, int instances) {}

  private final WebSocketClient client;
  private final ReactiveLoadBalancer.Factory<ServiceInstance> balancers;
  private final RefusedInstances refused;
  private final Map<URI, Balanced> balancedByAddress = new HashMap<>();

  FailingOverWebSocketClient(ReactorNettyWebSocketClient client,
      ReactiveLoadBalancer.Factory<ServiceInstance> balancers, RefusedInstances refused, GatewayProperties properties) {
    this.client = client;
    this.balancers = balancers;
    this.refused = refused;
    properties.services().byName().forEach((service, instances) -> {
      if (instances.size() > 1) {
        Balanced balanced = new Balanced(service, instances.size());
        instances.forEach(uri -> balancedByAddress.put(RefusedInstances.address(uri), balanced));
      }
    });
  }

  @Override
  public Mono<Void> execute(URI url, WebSocketHandler handler) {
    return execute(url, new HttpHeaders(), handler);
  }

  @Override
  public Mono<Void> execute(URI url, HttpHeaders headers, WebSocketHandler handler) {
    Balanced balanced = balancedByAddress.get(RefusedInstances.address(url));
    return balanced == null
        ? client.execute(url, headers, handler)
        : connect(url, headers, handler, balanced.service(), balanced.instances() - 1);
  }

  /** The handler runs only once connected, so a refused attempt has not touched the client's socket. */
  private Mono<Void> connect(URI url, HttpHeaders headers, WebSocketHandler handler, String service, int moreTries) {
    return client.execute(url, headers, handler)
        .doOnError(RefusedInstances::isConnectFailure, error -> refused.refused(service, url, error))
        .onErrorResume(error -> moreTries > 0 && RefusedInstances.isConnectFailure(error),
            error -> Mono.from(balancers.getInstance(service).choose())
                .filter(Response::hasServer)
                .switchIfEmpty(Mono.error(error))
                .flatMap(chosen -> connect(on(chosen.getServer(), url), headers, handler, service, moreTries - 1)));
  }

  private static URI on(ServiceInstance instance, URI url) {
    return UriComponentsBuilder.fromUri(url).host(instance.getHost()).port(instance.getPort()).build(true).toUri();
  }
}
