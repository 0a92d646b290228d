package io.emprops.collections.api;

import io.emprops.events.contract.Topic;
import io.emprops.events.testing.EventDelivery;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * For API tests of what collections-service does with other services' events: a sender that puts
 * events on Kafka as their relays do, and what the inbox and its metrics say was handled.
 */
abstract class EventConsumingApiTestSupport extends ApiTestSupport {

  static final Duration HANDLED = Duration.ofSeconds(30);

  @Autowired JdbcClient jdbc;
  @Autowired MeterRegistry meters;

  EventDelivery sender;

  @BeforeEach
  void connectSender() {
    sender = new EventDelivery(Topic.DEFAULT_NAMESPACE);
  }

  @AfterEach
  void closeSender() {
    sender.close();
  }

  /** Whether any consumer has handled the event. */
  boolean isHandled(UUID eventId) {
    return jdbc.sql("SELECT count(*) FROM inbox WHERE event_id = ?").param(eventId).query(Long.class).single() > 0;
  }

  boolean isHandled(String consumer, UUID eventId) {
    return jdbc.sql("SELECT count(*) FROM inbox WHERE consumer_name = ? AND event_id = ?")
        .param(consumer).param(eventId).query(Long.class).single() > 0;
  }

  /** How many deliveries {@code consumer} has had with {@code outcome} (handled, duplicate, …). */
  double handled(String consumer, String outcome) {
    Timer timer = meters.find("emprops.events.handled").tag("consumer", consumer).tag("outcome", outcome).timer();
    return timer == null ? 0 : timer.count();
  }
}
