package io.emprops.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.events.contract.GenerationStarted;
import io.emprops.events.contract.Topic;
import io.emprops.events.testing.EventDelivery;
import io.emprops.localstack.testing.EmbeddedInfrastructure;
import io.emprops.webhooks.support.WebhookReceiver;
import io.emprops.webhooks.support.WebhookReceiver.Reply;
import io.emprops.webhooks.support.WebhooksClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import tools.jackson.databind.JsonNode;

/**
 * An endpoint whose every attempt fails for {@code disable-after} (3 days in production, 2 s
 * here) is disabled: its unfinished deliveries fail, its owner finds a note in its delivery log,
 * and it gets nothing more until enabled again, when the failed deliveries can be replayed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "emprops.webhooks.delivery.disable-after=2s",
    "emprops.webhooks.delivery.initial-backoff=200ms",
    "emprops.webhooks.delivery.max-backoff=400ms",
    "emprops.webhooks.delivery.poll-interval=200ms"})
@EmbeddedInfrastructure(app = "webhooks-service")
class DisableAfterFailureTest {

  @Autowired Environment environment;
  @Autowired MeterRegistry meters;

  /** Events the fan-out handler has run for, whatever their outcome. */
  private long fannedOut() {
    return meters.find("emprops.events.handled").tag("consumer", "webhooks.fan-out").timers().stream()
        .mapToLong(io.micrometer.core.instrument.Timer::count).sum();
  }

  @Test
  void anEndpointFailingForTheWholePeriodIsDisabledAndItsOwnerToldInTheLog() {
    String user = "user-" + UUID.randomUUID();
    WebhooksClient client = WebhooksClient.of(environment, user);
    AtomicBoolean down = new AtomicBoolean(true);
    try (WebhookReceiver receiver = WebhookReceiver.start(); EventDelivery events = new EventDelivery(Topic.DEFAULT_NAMESPACE)) {
      receiver.answer(r -> down.get() ? Reply.status(500) : Reply.status(200));
      String id = client.register(receiver.url("/down"), "job.*").get("id").asString();
      Instant start = Instant.now();
      events.send(new GenerationStarted(UUID.randomUUID(), user, UUID.randomUUID(), 1, 1, Instant.now()));

      await().atMost(Duration.ofSeconds(30)).until(() -> !client.call("GET", "/webhooks/" + id, null, 200)
          .get("enabled").asBoolean());
      assertThat(Duration.between(start, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
      JsonNode endpoint = client.call("GET", "/webhooks/" + id, null, 200);
      assertThat(endpoint.get("disabled_reason").asString()).contains("every attempt failed since", "HTTP 500");
      JsonNode log = client.deliveries(id);
      assertThat(log.get(0).get("status").asString()).isEqualTo("notice");
      assertThat(log.get(0).get("event_type").asString()).isEqualTo("endpoint.disabled");
      assertThat(log.get(1).get("status").asString()).isEqualTo("failed");
      int attemptsBefore = receiver.received().size();

      long fannedOutBefore = fannedOut();
      events.send(new GenerationStarted(UUID.randomUUID(), user, UUID.randomUUID(), 1, 1, Instant.now()));
      assertThat(client.send("POST", "/webhooks/" + id + "/test", null).statusCode()).isEqualTo(409);
      // Sync point: the service has handled the event (its fan-out ran) and made no delivery of it.
      await().atMost(Duration.ofSeconds(30)).until(() -> fannedOut() > fannedOutBefore);
      assertThat(client.deliveries(id).size()).as("no delivery for a disabled endpoint").isEqualTo(log.size());
      assertThat(receiver.received()).hasSize(attemptsBefore);

      down.set(false);
      client.call("PATCH", "/webhooks/" + id, "{\"enabled\": true}", 200);
      JsonNode replayed = client.call("POST", "/webhooks/" + id + "/deliveries/replay",
          "{\"since\": \"" + start.minusSeconds(1) + "\"}", 202);
      assertThat(replayed.get("replayed").asInt()).isEqualTo(1);
      await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().stream()
          .skip(attemptsBefore).count() == 1);
      assertThat(client.call("GET", "/webhooks/" + id, null, 200).get("failing_since").isNull()).isTrue();
    }
  }
}
