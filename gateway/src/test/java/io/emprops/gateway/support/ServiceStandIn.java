package io.emprops.gateway.support;

import io.netty.channel.ChannelOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.springframework.http.HttpHeaders;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A stand-in for one downstream service on 127.0.0.1 (why not the real ones: the gateway's component
 * tests check what the gateway forwards, adds and refuses, which only a recording server can show;
 * the end-to-end suite runs the gateway in front of the real services). It records every request it receives and
 * answers in the envelope with its own name and the path it saw. It also speaks the few special
 * protocols the gateway must pass through: SSE on {@code .../events}, WebSocket on {@code /ws},
 * readiness and an OpenAPI document.
 */
public final class ServiceStandIn implements AutoCloseable {

  /** What the service received, exactly as it arrived. */
  public record Received(String method, String uri, HttpHeaders headers, String body) {

    public String rawPath() {
      return pathOf(uri);
    }
  }

  private final String name;
  private final DisposableServer server;
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private volatile Duration responseDelay = Duration.ZERO;
  private volatile Sinks.Empty<Void> streamRelease = Sinks.empty();
  private volatile boolean resetConnections;

  private ServiceStandIn(String name, int port) {
    this.name = name;
    this.server = HttpServer.create()
        .host("127.0.0.1")
        .port(port)
        .handle(this::handle)
        .bindNow();
  }

  public static ServiceStandIn start(String name) {
    return new ServiceStandIn(name, 0);
  }

  /** A stand-in on a given port (an instance that comes back where it was). */
  public static ServiceStandIn start(String name, int port) {
    return new ServiceStandIn(name, port);
  }

  public String name() {
    return name;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.port();
  }

  public int port() {
    return server.port();
  }

  /** Delays every ordinary answer (to make the gateway time out). */
  public void delayResponses(Duration delay) {
    this.responseDelay = delay;
  }

  /**
   * Makes the service reset each connection (TCP RST) once it has received and recorded a request,
   * instead of answering: a service that dies while handling it.
   */
  public ServiceStandIn resetConnections() {
    this.resetConnections = true;
    return this;
  }

  /** Lets the currently open SSE streams send their last event and end. */
  public void releaseStreams() {
    Sinks.Empty<Void> release = streamRelease;
    streamRelease = Sinks.empty();
    release.tryEmitEmpty();
  }

  public void clear() {
    received.clear();
  }

  /**
   * What the service has received and nobody took yet. Asserting it empty right after the
   * gateway answered is a sound "nothing was forwarded": a forwarded request is recorded before
   * the stub answers, so before the gateway can answer.
   */
  public java.util.List<Received> received() {
    return java.util.List.copyOf(received);
  }

  /** The next request the service received, waiting up to 5 s for it. */
  public Received takeRequest() {
    try {
      Received next = received.poll(5, TimeUnit.SECONDS);
      if (next == null) {
        throw new AssertionError(name + " received no request");
      }
      return next;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
    HttpHeaders headers = new HttpHeaders();
    request.requestHeaders().forEach(h -> headers.add(h.getKey(), h.getValue()));
    String path = pathOf(request.uri());
    if ("/ws".equals(path) && "websocket".equalsIgnoreCase(headers.getFirst(HttpHeaders.UPGRADE))) {
      received.add(new Received(request.method().name(), request.uri(), headers, ""));
      return response.sendWebsocket((in, out) ->
          out.sendString(in.receive().asString().map(message -> name + " echoes " + message)));
    }
    return request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
        .flatMap(body -> {
          received.add(new Received(request.method().name(), request.uri(), headers, body));
          if (resetConnections) {
            request.withConnection(connection -> {
              connection.channel().config().setOption(ChannelOption.SO_LINGER, 0);
              connection.channel().close();
            });
            return Mono.never();
          }
          if (path.endsWith("/events")) {
            return sse(response);
          }
          return Mono.delay(responseDelay).then(
              response.status(200)
                  .header(HttpHeaders.CONTENT_TYPE, "application/json")
                  .sendString(Mono.just(answer(path)))
                  .then());
        });
  }

  private static String pathOf(String uri) {
    int query = uri.indexOf('?');
    return query < 0 ? uri : uri.substring(0, query);
  }

  private Mono<Void> sse(HttpServerResponse response) {
    Mono<Void> release = streamRelease.asMono();
    Flux<String> events = Flux.concat(
        Mono.just("id: 1\nevent: job_status\ndata: {\"status\":\"processing\"}\n\n"),
        release.then(Mono.just("id: 2\nevent: job_completed\ndata: {\"status\":\"completed\"}\n\n")));
    return response.status(200)
        .header(HttpHeaders.CONTENT_TYPE, "text/event-stream")
        .sendString(events)
        .then();
  }

  private String answer(String path) {
    return switch (path) {
      case "/actuator/health/readiness" -> "{\"status\":\"UP\"}";
      // One path the gateway routes to this service, one it does not route at all.
      case "/v3/api-docs" -> "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"" + name
          + "\",\"version\":\"1\"},\"paths\":{\"" + ROUTED_DOCUMENTED_PATH.get(name)
          + "\":{\"get\":{}},\"/" + name + "-only\":{\"get\":{}}}}";
      default -> "{\"data\":{\"service\":\"" + name + "\",\"path\":\"" + path + "\"},\"error\":null}";
    };
  }

  @Override
  public void close() {
    server.disposeNow();
  }

  /** Per service, a path its stub's API document lists and the gateway routes to it. */
  public static final Map<String, String> ROUTED_DOCUMENTED_PATH = Map.of(
      "collections", "/projects/{id}",
      "generator", "/jobs/{id}",
      "credits", "/credits/balance",
      "storage", "/assets/{id}",
      "publishing", "/collections/{id}/publication",
      "webhooks", "/webhooks/{id}");

  /** One stub per service of the suite, by the name the gateway's configuration uses. */
  public static Map<String, ServiceStandIn> forEveryService() {
    return List.of("collections", "credits", "generator", "publishing", "storage", "webhooks").stream()
        .collect(Collectors.toUnmodifiableMap(n -> n, ServiceStandIn::start));
  }
}
