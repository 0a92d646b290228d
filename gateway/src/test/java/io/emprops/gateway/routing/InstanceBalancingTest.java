package io.emprops.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.gateway.support.GatewayTestSupport;
import io.emprops.gateway.support.ServiceStandIn;
import io.emprops.web.testing.AdjustableClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Services with several instances: the gateway takes turns among them, and an instance that is
 * down is invisible to clients as far as it can be. Each balanced service is set up for one
 * concern: generator has two live instances, storage a live one and a closed port, credits a live
 * one and one that resets connections after receiving the request, webhooks a live one and a
 * port a test starts listening on again. The others keep one URI each.
 */
class InstanceBalancingTest extends GatewayTestSupport {

  private static final Duration SKIP = Duration.ofSeconds(3);

  private static final ServiceStandIn SECOND_GENERATOR = ServiceStandIn.start("generator");
  private static final URI CLOSED_STORAGE = URI.create("http://127.0.0.1:" + unusedPort());
  private static final ServiceStandIn RESETTING_CREDITS = ServiceStandIn.start("credits").resetConnections();
  private static final int RESTARTING_WEBHOOKS_PORT = unusedPort();

  @Autowired
  private RefusedInstances refused;

  @Autowired
  private AdjustableClock clock;

  @Autowired
  private ReactiveResilience4JCircuitBreakerFactory breakers;

  @Autowired
  private RouteLocator routes;

  @DynamicPropertySource
  static void balancedServices(DynamicPropertyRegistry registry) {
    registerServices(registry, Map.of(
        "generator", service("generator").baseUrl() + "," + SECOND_GENERATOR.baseUrl(),
        // The closed port first, for the API document read from the first instance that answers;
        // a space after the comma, as an operator may write it.
        "storage", CLOSED_STORAGE + ", " + service("storage").baseUrl(),
        "credits", service("credits").baseUrl() + "," + RESETTING_CREDITS.baseUrl(),
        "webhooks", service("webhooks").baseUrl() + ",http://127.0.0.1:" + RESTARTING_WEBHOOKS_PORT));
    registry.add("emprops.gateway.balancing.skip-refused-for", () -> SKIP.toSeconds() + "s");
  }

  @BeforeEach
  void cleanExtraInstances() {
    SECOND_GENERATOR.clear();
    RESETTING_CREDITS.clear();
  }

  @Test
  void requestsTakeTurnsAmongTheInstances() {
    List<String> markers = Stream.generate(() -> UUID.randomUUID().toString()).limit(4).toList();
    markers.forEach(marker -> authorized(client.get().uri("/jobs?marker=" + marker))
        .exchange()
        .expectStatus().isOk());

    List<String> first = markersOf(service("generator").received());
    List<String> second = markersOf(SECOND_GENERATOR.received());
    assertThat(List.of(first, second)).containsExactlyInAnyOrder(
        List.of(markers.get(0), markers.get(2)), List.of(markers.get(1), markers.get(3)));
  }

  @Test
  void eventStreamsTakeTurnsAmongTheInstances() {
    try {
      for (String job : List.of("j1", "j2")) {
        assertThat(firstStreamEvent(job).event()).isEqualTo("job_status");
      }
      assertThat(Stream.of(service("generator"), SECOND_GENERATOR).map(stub -> stub.received().size()))
          .as("streams opened on each instance")
          .containsExactly(1, 1);
    } finally {
      service("generator").releaseStreams();
      SECOND_GENERATOR.releaseStreams();
    }
  }

  @Test
  void webSocketsTakeTurnsAmongTheInstances() {
    for (int i = 0; i < 2; i++) {
      List<String> replies = new CopyOnWriteArrayList<>();
      HttpHeaders headers = new HttpHeaders();
      headers.set(HttpHeaders.AUTHORIZATION, bearer(token(newUserId())));
      new ReactorNettyWebSocketClient()
          .execute(URI.create("ws://127.0.0.1:" + port + "/ws"), headers, session -> session
              .send(Mono.just(session.textMessage("hello")))
              .thenMany(session.receive().map(WebSocketMessage::getPayloadAsText).take(1).doOnNext(replies::add))
              .then())
          .block(Duration.ofSeconds(10));
      assertThat(replies).containsExactly("generator echoes hello");
    }
    assertThat(Stream.of(service("generator"), SECOND_GENERATOR).map(stub -> stub.received().size()))
        .as("sockets opened on each instance")
        .containsExactly(1, 1);
  }

  @Test
  void aGetReachesTheLiveInstanceOnceWhenTheOtherRefusesTheConnection() {
    assertEachArrivesOnceIntactAtTheLiveStorage(marker -> {
      authorized(client.get().uri("/assets?marker=" + marker)).exchange().expectStatus().isOk();
      return "";
    });
  }

  @Test
  void aJsonPostReachesTheLiveInstanceOnceAndIntactWhenTheOtherRefusesTheConnection() {
    assertEachArrivesOnceIntactAtTheLiveStorage(marker -> {
      String body = "{\"name\":\"asset " + marker + "\",\"tags\":[\"a\",\"b\"]}";
      authorized(client.post().uri("/assets/imports?marker=" + marker))
          .contentType(MediaType.APPLICATION_JSON)
          .bodyValue(body)
          .exchange()
          .expectStatus().isOk();
      return body;
    });
  }

  /** Sent chunked, in many pieces, as a browser streams a file: nothing may be held or lost. */
  @Test
  void aStreamedMultipartUploadReachesTheLiveInstanceOnceAndIntactWhenTheOtherRefusesTheConnection() {
    assertEachArrivesOnceIntactAtTheLiveStorage(marker -> {
      String boundary = "boundary-" + marker;
      List<String> chunks = new ArrayList<>();
      chunks.add("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
          + "Content-Type: text/plain\r\n\r\n");
      for (int i = 0; i < 64; i++) {
        chunks.add(("line " + i + " of " + marker + "\n").repeat(100));
      }
      chunks.add("\r\n--" + boundary + "--\r\n");
      authorized(client.post().uri("/assets?marker=" + marker))
          .contentType(MediaType.parseMediaType("multipart/form-data; boundary=" + boundary))
          .body(Flux.fromIterable(chunks), String.class)
          .exchange()
          .expectStatus().isOk();
      return String.join("", chunks);
    });
  }

  /**
   * Two requests after earlier refusals were forgotten: turns alternate, so one of them is first
   * sent to the closed port (shown by the port being skipped afterwards), and both must arrive at
   * the live instance exactly once, with the body sent.
   */
  private void assertEachArrivesOnceIntactAtTheLiveStorage(Function<String, String> sendReturningBody) {
    forgetRefusals();
    assertThat(refused.isSkipped(CLOSED_STORAGE)).isFalse();
    List<String> markers = List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString());
    List<String> bodies = markers.stream().map(sendReturningBody).toList();

    assertThat(refused.isSkipped(CLOSED_STORAGE)).as("the closed port refused one of them").isTrue();
    List<ServiceStandIn.Received> arrived = service("storage").received();
    assertThat(markersOf(arrived)).containsExactlyElementsOf(markers);
    assertThat(arrived).extracting(ServiceStandIn.Received::body).containsExactlyElementsOf(bodies);
  }

  @Test
  void healthOfABalancedServiceAnswersFromTheInstanceThatIsUp() {
    forgetRefusals();
    for (int i = 0; i < 4; i++) {
      client.get().uri("/health/storage")
          .exchange()
          .expectStatus().isOk()
          .expectBody().jsonPath("$.status").isEqualTo("UP");
    }
    assertThat(refused.isSkipped(CLOSED_STORAGE)).as("the closed port was tried").isTrue();
    assertThat(service("storage").received()).hasSize(4);
  }

  @Test
  void theApiDocumentOfABalancedServiceIsReadFromAnInstanceThatAnswers() {
    client.get().uri("/v3/api-docs/storage").exchange()
        .expectStatus().isOk()
        .expectBody()
        .jsonPath("$.info.title").isEqualTo("storage")
        .jsonPath("$.paths['/assets/{id}']").exists();
  }

  /**
   * Ten rounds in which a request is refused by the closed port and then served by the live
   * instance: had the breaker counted the refusals, half of 20 calls failed would have opened it.
   * DELETEs: a GET would also be sent on by the read retry, which sits inside the breaker too.
   */
  @Test
  void theBreakerCountsARequestServedByTheOtherInstanceAsSuccess() {
    CircuitBreaker breaker = breakers.getCircuitBreakerRegistry().circuitBreaker("storage");
    for (int round = 0; round < 10; round++) {
      forgetRefusals();
      for (int i = 0; i < 2; i++) {
        authorized(client.delete().uri("/assets/a" + i)).exchange().expectStatus().isOk();
      }
      assertThat(refused.isSkipped(CLOSED_STORAGE)).isTrue();
    }
    assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
    assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isGreaterThanOrEqualTo(20);
    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  /**
   * The resetting instance received the POST, so the service may have acted on it: the client
   * gets the error, and the POST is not sent to the other instance. Turns alternate, so one of
   * two POSTs goes to the resetting instance.
   */
  @Test
  void aPostWhoseConnectionIsResetAfterItArrivedIsNotSentAgain() {
    String failed = null;
    for (int i = 0; i < 2 && failed == null; i++) {
      String marker = UUID.randomUUID().toString();
      EntityExchangeResult<String> result = authorized(client.post().uri("/credits/grants?marker=" + marker))
          .contentType(MediaType.APPLICATION_JSON)
          .bodyValue("{\"amount\":5}")
          .exchange()
          .expectBody(String.class).returnResult();
      if (result.getStatus().value() != 200) {
        assertThat(result.getStatus().value()).isEqualTo(503);
        assertThat(result.getResponseBody()).contains("\"code\":\"SERVICE_UNAVAILABLE\"");
        failed = marker;
      }
    }
    assertThat(failed).as("one of two POSTs reached the resetting instance").isNotNull();
    assertThat(markersOf(RESETTING_CREDITS.received())).containsOnlyOnce(failed);
    assertThat(markersOf(service("credits").received())).doesNotContain(failed);
  }

  @Test
  void aGetWhoseConnectionIsResetIsSentOnceMoreToTheOtherInstance() {
    List<String> markers = List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString());
    markers.forEach(marker -> authorized(client.get().uri("/credits/balance?marker=" + marker))
        .exchange()
        .expectStatus().isOk());

    List<String> reset = markersOf(RESETTING_CREDITS.received());
    assertThat(reset).as("GETs that met the reset").isNotEmpty().doesNotHaveDuplicates();
    assertThat(markersOf(service("credits").received())).containsExactlyElementsOf(markers);
  }

  /**
   * The instance refuses once and is then left out: listening again at once, it still gets nothing
   * while the skip lasts, and traffic again within the skip period and a little.
   */
  @Test
  void anInstanceListeningAgainGetsTrafficAgainWithinTheSkipPeriod() throws InterruptedException {
    URI restarting = URI.create("http://127.0.0.1:" + RESTARTING_WEBHOOKS_PORT);
    forgetRefusals();
    long refusedAt = System.nanoTime();
    for (int i = 0; i < 2; i++) {
      authorized(client.get().uri("/webhooks")).exchange().expectStatus().isOk();
    }
    assertThat(refused.isSkipped(restarting)).as("the closed port refused one of them").isTrue();

    try (ServiceStandIn back = ServiceStandIn.start("webhooks", RESTARTING_WEBHOOKS_PORT)) {
      for (int i = 0; i < 4; i++) {
        authorized(client.get().uri("/webhooks")).exchange().expectStatus().isOk();
      }
      assertThat(back.received()).as("requests while the instance is skipped").isEmpty();

      Duration deadline = SKIP.plusSeconds(1);
      while (back.received().isEmpty() && Duration.ofNanos(System.nanoTime() - refusedAt).compareTo(deadline) < 0) {
        authorized(client.get().uri("/webhooks")).exchange().expectStatus().isOk();
        Thread.sleep(50);
      }
      assertThat(back.received()).as("requests to the instance within %s of its refusal", deadline).isNotEmpty();
    }
  }

  @Test
  void aServiceWithOneUriIsRoutedToDirectly() {
    Map<String, URI> uris = routes.getRoutes().collectMap(Route::getId, Route::getUri).block(Duration.ofSeconds(5));
    assertThat(uris.get("collections")).isEqualTo(URI.create(service("collections").baseUrl()));
    assertThat(uris.get("collections-health")).isEqualTo(URI.create(service("collections").baseUrl()));
    assertThat(uris.get("storage")).isEqualTo(URI.create("lb://storage"));

    authorized(client.get().uri("/projects")).exchange().expectStatus().isOk()
        .expectBody().jsonPath("$.data.service").isEqualTo("collections");
    assertThat(service("collections").takeRequest().rawPath()).isEqualTo("/projects");
  }

  /** Moves the gateway's clock past the skip period: instances that refused before are tried again. */
  private void forgetRefusals() {
    clock.advance(SKIP.plusMillis(100));
  }

  private <S extends WebTestClient.RequestHeadersSpec<?>> S authorized(S request) {
    request.header(HttpHeaders.AUTHORIZATION, bearer(token(newUserId())));
    return request;
  }

  private static List<String> markersOf(List<ServiceStandIn.Received> requests) {
    return requests.stream()
        .map(ServiceStandIn.Received::uri)
        .filter(uri -> uri.contains("marker="))
        .map(uri -> uri.substring(uri.indexOf("marker=") + "marker=".length()))
        .toList();
  }
}
