package io.emprops.gateway.routing;

import io.emprops.gateway.config.GatewayProperties;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.ResponseData;
import org.springframework.stereotype.Component;

/**
 * Instances of balanced services that refused a connection lately. The balancer leaves them out
 * for a few seconds, so that the requests after the first do not each pay a refused connect
 * before failing over; then they are tried again, so an instance that restarted is back without
 * any health polling. Learnt from the balancer's completion callback of each {@code lb://}
 * exchange, and for WebSockets, which connect onwards only after that, from
 * {@link FailingOverWebSocketClient}.
 */
@Component
class RefusedInstances implements LoadBalancerLifecycle<RequestDataContext, ResponseData, ServiceInstance> {

  private static final Logger log = LoggerFactory.getLogger(RefusedInstances.class);

  private final Map<URI, Instant> skippedUntil = new ConcurrentHashMap<>();
  private final Clock clock;
  private final Duration skipFor;

  RefusedInstances(Clock clock, GatewayProperties properties) {
    this.clock = clock;
    this.skipFor = properties.balancing().skipRefusedFor();
  }

  /**
   * Whether the connection to the service failed before anything of the request was sent (so
   * that any request, a write included, may go to another instance).
   */
  static boolean isConnectFailure(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      // Netty's connect timeout is a ConnectException too.
      if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
        return true;
      }
    }
    return false;
  }

  /** {@code instances} less those that refused lately; all of them if all did, one may be back. */
  List<ServiceInstance> reachable(List<ServiceInstance> instances) {
    if (skippedUntil.isEmpty()) {
      return instances; // the usual case, without a look-up per instance and request
    }
    Instant now = clock.instant();
    List<ServiceInstance> reachable = instances.stream()
        .filter(instance -> !isSkipped(instance.getUri(), now))
        .toList();
    return reachable.isEmpty() ? instances : reachable;
  }

  boolean isSkipped(URI instance) {
    return isSkipped(instance, clock.instant());
  }

  private boolean isSkipped(URI instance, Instant now) {
    URI address = address(instance);
    Instant until = skippedUntil.get(address);
    if (until != null && !now.isBefore(until)) {
      skippedUntil.remove(address, until);
      return false;
    }
    return until != null;
  }

  /** Leaves {@code instance} (any URI on it) out for the skip period: it refused a connection. */
  void refused(String service, URI instance, Throwable failure) {
    Instant now = clock.instant();
    // Logged when it starts being left out, not for each request already on its way there.
    boolean known = isSkipped(instance, now);
    skippedUntil.put(address(instance), now.plus(skipFor));
    if (!known) {
      log.warn("{} instance {} refused a connection; left out for {}: {}", service, address(instance), skipFor,
          failure.toString());
    }
  }

  /** Where an instance listens, as the balancer names it: {@code http(s)://host:port}. */
  static URI address(URI uri) {
    boolean secure = "https".equalsIgnoreCase(uri.getScheme()) || "wss".equalsIgnoreCase(uri.getScheme());
    int port = uri.getPort() != -1 ? uri.getPort() : secure ? 443 : 80;
    return URI.create((secure ? "https" : "http") + "://" + uri.getHost() + ":" + port);
  }

  @Override
  public void onComplete(CompletionContext<ResponseData, ServiceInstance, RequestDataContext> completion) {
    Response<ServiceInstance> chosen = completion.getLoadBalancerResponse();
    if (completion.status() == CompletionContext.Status.FAILED && chosen != null && chosen.hasServer()
        && isConnectFailure(completion.getThrowable())) {
      refused(chosen.getServer().getServiceId(), chosen.getServer().getUri(), completion.getThrowable());
    }
  }

  @Override
  public void onStart(Request<RequestDataContext> request) {}

  @Override
  public void onStartRequest(Request<RequestDataContext> request, Response<ServiceInstance> chosen) {}
}
