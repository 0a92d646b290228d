package io.emprops.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.events.contract.GenerationStarted;
import io.emprops.events.testing.EventDelivery;
import io.emprops.localstack.testing.SharedInfrastructure;
import io.emprops.webhooks.support.StandardWebhooksVerifier;
import io.emprops.webhooks.support.WebhookReceiver;
import io.emprops.webhooks.support.WebhookReceiver.Received;
import io.emprops.webhooks.support.WebhookReceiver.Reply;
import io.emprops.webhooks.support.WebhooksClient;
import io.emprops.webhooks.support.WebhooksProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * At-least-once across a crash: the delivering service is killed ({@code kill -9}) in the middle
 * of a burst and started again. Every event reaches the receiver; what was in flight when it died
 * arrives again with the same {@code webhook-id} and body, so the receiver can drop it.
 */
class CrashRecoveryTest {

  private static final int EVENTS = 300;

  @Test
  void nothingIsLostWhenTheServiceIsKilledMidBurstAndRepeatsKeepTheirWebhookId() throws Exception {
    SharedInfrastructure.get();
    String name = "webhooks-crash-" + ProcessHandle.current().pid();
    Map<String, String> settings = Map.of(
        "emprops.webhooks.delivery.lease", "3s",
        "emprops.webhooks.delivery.timeout", "2s",
        "emprops.webhooks.delivery.initial-backoff", "200ms",
        "emprops.webhooks.delivery.poll-interval", "200ms");
    List<String> jvm = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    String user = "user-" + UUID.randomUUID();
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      // A slow receiver (16 at a time, 400 ms each: 40 a second): the burst takes several seconds,
      // so the kill lands inside it.
      receiver.answer(r -> new Reply(200, Map.of(), "", 400));
      WebhooksProcess first = WebhooksProcess.start(name, settings, jvm);
      String secret;
      try (EventDelivery events = new EventDelivery(name.replace("-", ""))) {
        WebhooksClient client = new WebhooksClient(first.baseUrl(),
            WebhooksProcess.properties(name).get("emprops.internal.secret"), user);
        secret = client.register(receiver.url("/crash"), "job.started").get("secret").asString();
        for (int i = 0; i < EVENTS; i++) {
          events.send(new GenerationStarted(UUID.randomUUID(), user, UUID.randomUUID(), 1, 1, Instant.now()));
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
            .until(() -> receiver.received().size() >= EVENTS / 4);
        first.kill();
      } finally {
        first.close();
      }
      int beforeRestart = receiver.received().size();
      try (WebhooksProcess second = WebhooksProcess.start(name, settings, jvm)) {
        await().atMost(Duration.ofSeconds(120)).until(() -> uniqueIds(receiver.received()) == EVENTS);
      }
      List<Received> all = receiver.received();
      Map<String, List<Received>> byId = all.stream().collect(Collectors.groupingBy(r -> r.header("webhook-id")));
      assertThat(byId).as("every event delivered (0 lost)").hasSize(EVENTS);
      byId.values().forEach(copies -> {
        assertThat(copies.stream().map(Received::bodyText).distinct()).as("a repeat is the same message").hasSize(1);
        copies.forEach(copy -> assertThat(StandardWebhooksVerifier.verify(secret, copy)).isTrue());
      });
      int repeats = all.size() - EVENTS;
      System.out.printf("crash recovery: %d events, %d received before the kill/restart, %d repeats after it%n",
          EVENTS, beforeRestart, repeats);
      assertThat(beforeRestart).as("the kill landed mid-burst").isLessThan(EVENTS);
    }
  }

  private static long uniqueIds(List<Received> received) {
    Map<String, Boolean> ids = new HashMap<>();
    received.forEach(r -> ids.put(r.header("webhook-id"), true));
    return ids.size();
  }
}
