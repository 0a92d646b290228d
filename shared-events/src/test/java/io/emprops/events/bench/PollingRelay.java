package io.emprops.events.bench;

import io.emprops.events.contract.DomainEvent;
import io.emprops.events.contract.EventCatalog;
import io.emprops.events.contract.EventDescriptor;
import io.emprops.events.contract.EventHeaders;
import io.emprops.events.contract.EventJson;
import io.emprops.events.testing.KafkaTopics;
import io.emprops.events.testing.ServiceDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.core.type.TypeReference;

/**
 * The baseline the benchmark compares the CDC relay with: a classic polling outbox. Writers insert
 * rows (and keep them); one poller repeatedly locks the oldest rows with
 * {@code FOR UPDATE SKIP LOCKED}, produces them with the same idempotent producer settings, waits
 * for Kafka's acks and deletes them in the same transaction.
 */
final class PollingRelay implements AutoCloseable {

  private static final int BATCH = 500;
  private static final long IDLE_POLL_MILLIS = 10;

  private final ServiceDatabase database;
  private final String namespace;
  private final KafkaProducer<String, byte[]> producer;
  private final Thread poller;
  private volatile boolean running = true;

  PollingRelay(ServiceDatabase database, String namespace) {
    this.database = database;
    this.namespace = namespace;
    database.jdbc().sql("""
        CREATE TABLE IF NOT EXISTS polling_outbox (
            seq          bigserial   PRIMARY KEY,
            id           uuid        NOT NULL,
            topic        text        NOT NULL,
            aggregate_id text        NOT NULL,
            payload      jsonb       NOT NULL,
            headers      jsonb       NOT NULL)""").update();
    this.producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTopics.bootstrapServers(),
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 1),
        new StringSerializer(), new ByteArraySerializer());
    this.poller = Thread.ofPlatform().name("polling-relay").daemon(true).start(this::pollLoop);
  }

  /** Writes events in the caller's transaction, as a service would with this design. */
  List<UUID> write(List<? extends DomainEvent> events) {
    List<UUID> ids = new ArrayList<>();
    List<Object[]> rows = new ArrayList<>();
    String occurredAt = Instant.now().toString();
    for (DomainEvent event : events) {
      EventDescriptor descriptor = EventCatalog.of(event);
      UUID id = UUID.randomUUID();
      ids.add(id);
      rows.add(new Object[] {id, descriptor.topic().topicName(namespace), event.aggregateId(),
          EventJson.serialize(event), EventJson.mapper().writeValueAsString(Map.of(
              EventHeaders.EVENT_ID, id.toString(), EventHeaders.EVENT_TYPE, descriptor.type(),
              EventHeaders.OCCURRED_AT, occurredAt))});
    }
    new JdbcTemplate(database.dataSource()).batchUpdate(
        "INSERT INTO polling_outbox (id, topic, aggregate_id, payload, headers) VALUES (?, ?, ?, ?::jsonb, ?::jsonb)", rows);
    return ids;
  }

  private void pollLoop() {
    while (running) {
      Integer relayed = database.transactions().execute(status -> relayBatch());
      if (relayed == null || relayed == 0) {
        try {
          Thread.sleep(IDLE_POLL_MILLIS);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private int relayBatch() {
    List<Map<String, Object>> rows = database.jdbc().sql("""
        SELECT seq, topic, aggregate_id, payload::text AS payload, headers::text AS headers FROM polling_outbox
        ORDER BY seq LIMIT ? FOR UPDATE SKIP LOCKED""").param(BATCH).query().listOfRows();
    if (rows.isEmpty()) {
      return 0;
    }
    List<Future<RecordMetadata>> acks = new ArrayList<>(rows.size());
    for (Map<String, Object> row : rows) {
      ProducerRecord<String, byte[]> record = new ProducerRecord<>((String) row.get("topic"),
          (String) row.get("aggregate_id"), ((String) row.get("payload")).getBytes(StandardCharsets.UTF_8));
      Map<String, String> headers = EventJson.mapper().readValue((String) row.get("headers"),
          new TypeReference<Map<String, String>>() {});
      headers.forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
      acks.add(producer.send(record));
    }
    for (Future<RecordMetadata> ack : acks) {
      try {
        ack.get();
      } catch (InterruptedException | ExecutionException e) {
        throw new IllegalStateException("Kafka did not acknowledge", e);
      }
    }
    // Exactly the rows relayed: a row committed meanwhile may hold a sequence number among them.
    Long[] relayed = rows.stream().map(row -> ((Number) row.get("seq")).longValue()).toArray(Long[]::new);
    database.jdbc().sql("DELETE FROM polling_outbox WHERE seq = ANY (?)").param(relayed).update();
    return rows.size();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    poller.join(10_000);
    producer.close();
  }
}
