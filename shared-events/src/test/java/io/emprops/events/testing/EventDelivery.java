package io.emprops.events.testing;

import io.emprops.events.contract.DomainEvent;
import io.emprops.events.contract.EventCatalog;
import io.emprops.events.contract.EventHeaders;
import io.emprops.events.contract.EventJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Delivers events to Kafka exactly as the relay publishes them — topic of the contract, key =
 * aggregate id, JSON payload, {@code eventId}/{@code eventType}/{@code occurredAt} headers — so a
 * consumer can be tested against the producer's contract without running the producer.
 */
public final class EventDelivery implements AutoCloseable {

  private final KafkaProducer<String, String> producer;
  private final String namespace;

  public EventDelivery(String namespace) {
    this.namespace = namespace;
    this.producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTopics.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
  }

  /** Sends the event with a new event id; returns that id. */
  public UUID send(DomainEvent event) {
    return send(event, UUID.randomUUID());
  }

  /** Sends the event with the given id (the same id twice is a redelivery). */
  public UUID send(DomainEvent event, UUID eventId) {
    try {
      producer.send(record(event, eventId)).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot deliver " + EventCatalog.of(event).type(), e);
    }
    return eventId;
  }

  /**
   * Sends the event with a new event id without waiting for Kafka: the future completes on its
   * ack. For feeds that must not be bounded by one round trip per event (benchmarks' backlogs).
   */
  public Future<RecordMetadata> sendAsync(DomainEvent event) {
    return producer.send(record(event, UUID.randomUUID()));
  }

  /** Sends what {@link #sendAsync} buffered and waits until Kafka has answered for all of it. */
  public void flush() {
    producer.flush();
  }

  private ProducerRecord<String, String> record(DomainEvent event, UUID eventId) {
    var descriptor = EventCatalog.of(event);
    ProducerRecord<String, String> record = new ProducerRecord<>(
        descriptor.topic().topicName(namespace), event.aggregateId(), EventJson.serialize(event));
    record.headers()
        .add(EventHeaders.EVENT_ID, eventId.toString().getBytes(StandardCharsets.UTF_8))
        .add(EventHeaders.EVENT_TYPE, descriptor.type().getBytes(StandardCharsets.UTF_8))
        .add(EventHeaders.OCCURRED_AT, Instant.now().toString().getBytes(StandardCharsets.UTF_8));
    return record;
  }

  @Override
  public void close() {
    producer.close();
  }
}
