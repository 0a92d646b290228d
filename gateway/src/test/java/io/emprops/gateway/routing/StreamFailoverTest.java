package io.emprops.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.gateway.support.GatewayTestSupport;
import io.emprops.web.testing.AdjustableClock;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.publisher.Mono;

/**
 * Streams of a generator with a live instance and a closed port: each stream opened reaches the
 * live instance, also the one first sent to the closed port. Two streams after earlier refusals
 * were forgotten: turns alternate, so one of them is first sent to the closed port, shown by the
 * port being skipped afterwards.
 */
class StreamFailoverTest extends GatewayTestSupport {

  private static final URI CLOSED_GENERATOR = URI.create("http://127.0.0.1:" + unusedPort());

  @Autowired
  private RefusedInstances refused;

  @Autowired
  private AdjustableClock clock;

  @DynamicPropertySource
  static void generatorWithAClosedPort(DynamicPropertyRegistry registry) {
    registerServices(registry, Map.of("generator", service("generator").baseUrl() + "," + CLOSED_GENERATOR));
  }

  @Test
  void everyWebSocketReachesTheLiveInstanceWhenTheOtherRefusesTheConnection() {
    forgetRefusals();
    for (String message : List.of("hello 1", "hello 2")) {
      List<String> replies = new CopyOnWriteArrayList<>();
      HttpHeaders headers = new HttpHeaders();
      headers.set(HttpHeaders.AUTHORIZATION, bearer(token(newUserId())));
      new ReactorNettyWebSocketClient()
          .execute(URI.create("ws://127.0.0.1:" + port + "/ws"), headers, session -> session
              .send(Mono.just(session.textMessage(message)))
              .thenMany(session.receive().map(WebSocketMessage::getPayloadAsText).take(1).doOnNext(replies::add))
              .then())
          .block(Duration.ofSeconds(10));
      // Sent on the 101, before the gateway had a connection to the service: it waited, not lost.
      assertThat(replies).containsExactly("generator echoes " + message);
    }
    assertThat(refused.isSkipped(CLOSED_GENERATOR)).as("the closed port refused one of them").isTrue();
    assertThat(service("generator").received()).hasSize(2);
  }

  @Test
  void everyEventStreamReachesTheLiveInstanceWhenTheOtherRefusesTheConnection() {
    forgetRefusals();
    try {
      for (String job : List.of("j1", "j2")) {
        assertThat(firstStreamEvent(job).event()).isEqualTo("job_status");
      }
      assertThat(refused.isSkipped(CLOSED_GENERATOR)).as("the closed port refused one of them").isTrue();
      assertThat(service("generator").received()).hasSize(2);
    } finally {
      service("generator").releaseStreams();
    }
  }

  /** Moves the gateway's clock past the (default) skip period: the closed port is tried again. */
  private void forgetRefusals() {
    clock.advance(Duration.ofSeconds(6));
  }
}
