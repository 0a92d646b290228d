package io.emprops.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.events.contract.GenerationStarted;
import io.emprops.events.contract.Topic;
import io.emprops.events.testing.EventDelivery;
import io.emprops.localstack.testing.EmbeddedInfrastructure;
import io.emprops.webhooks.support.TestDns;
import io.emprops.webhooks.support.TestDnsConfiguration;
import io.emprops.webhooks.support.WebhookReceiver;
import io.emprops.webhooks.support.WebhooksClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import tools.jackson.databind.JsonNode;

/**
 * Production rules (no local mode): https only, public addresses only, checked at registration
 * and again, against a fresh DNS answer, before every attempt. DNS is played by {@link TestDns}
 * (no DNS server runs here): a name that resolved to a public address at registration and to this
 * machine's loopback at delivery time (rebinding) is refused, and the receiver listening there
 * never sees a request.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "emprops.webhooks.local-mode=false",
    "emprops.webhooks.delivery.initial-backoff=200ms",
    "emprops.webhooks.delivery.max-backoff=500ms",
    "emprops.webhooks.delivery.poll-interval=200ms"})
@EmbeddedInfrastructure(app = "webhooks-service")
@Import(TestDnsConfiguration.class)
class OutboundSafetyTest {

  @Autowired Environment environment;
  @Autowired TestDns dns;

  private WebhooksClient client(String user) {
    return WebhooksClient.of(environment, user);
  }

  @Test
  void loopbackPrivateAndMetadataUrlsAndPlainHttpAreRefusedAtRegistration() {
    WebhooksClient client = client("user-" + UUID.randomUUID());
    dns.answer("internal.example.test", "10.1.2.3");
    dns.answer("mixed.example.test", "93.184.216.34", "127.0.0.1");
    for (String url : List.of("https://127.0.0.1/hook", "https://localhost/hook", "https://[::1]/hook",
        "http://127.0.0.1:8080/hook", "https://169.254.169.254/latest/meta-data/", "https://0.0.0.0/hook",
        "https://internal.example.test/hook", "https://mixed.example.test/hook", "http://hooks.example.com/")) {
      HttpResponse<String> refused = client.send("POST", "/webhooks",
          "{\"url\": \"" + url + "\", \"event_types\": [\"*\"]}");
      assertThat(refused.statusCode()).as(url).isEqualTo(400);
      assertThat(WebhooksClient.json(refused.body()).get("details").get(0).get("field").asString()).isEqualTo("url");
    }
  }

  @Test
  void aNameRebindingToLoopbackAfterRegistrationIsRefusedAndNeverContacted() {
    String user = "user-" + UUID.randomUUID();
    WebhooksClient client = client(user);
    try (WebhookReceiver receiver = WebhookReceiver.start(); EventDelivery events = new EventDelivery(Topic.DEFAULT_NAMESPACE)) {
      String host = "rebind-" + UUID.randomUUID() + ".example.test";
      dns.answer(host, "93.184.216.34");
      JsonNode endpoint = client.register("https://" + host + ":" + receiver.port() + "/hook", "job.started");
      String id = endpoint.get("id").asString();

      dns.answer(host, "127.0.0.1");
      events.send(new GenerationStarted(UUID.randomUUID(), user, UUID.randomUUID(), 1, 1, Instant.now()));

      await().atMost(Duration.ofSeconds(30)).until(() -> {
        JsonNode log = client.deliveries(id);
        return !log.isEmpty() && log.get(0).get("attempts").asInt() >= 2;
      });
      JsonNode delivery = client.deliveries(id).get(0);
      assertThat(delivery.get("last_error").asString()).contains("refused, not contacted", "127.0.0.1");
      assertThat(delivery.get("response_status").isNull()).isTrue();
      assertThat(receiver.received()).as("the receiver on loopback saw nothing").isEmpty();
    }
  }
}
