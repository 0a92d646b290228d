package io.emprops.events.relay;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hands the engine's batches to Kafka. Records arrive already shaped by the Outbox Event Router
 * (topic from {@code aggregate_type}, key {@code aggregate_id}, value the JSON payload, the
 * {@code headers} column as one header); this expands that column into the event's Kafka headers.
 *
 * <p>A record is marked processed only after Kafka acknowledged it, and records are marked in
 * order, so the offsets the engine stores never run ahead of what Kafka holds: a crash may
 * redeliver, never lose.
 */
final class KafkaForwarder implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {

  /** Name of the header the router fills from the {@code headers} column. */
  static final String HEADERS_COLUMN = "headers";
  static final String HEARTBEAT_TOPIC_PREFIX = "__emprops-relay-heartbeat";
  /** Commit time of the record's transaction, in the Postgres connector's source offset. */
  private static final String COMMIT_MICROS_OFFSET = "ts_usec";
  private static final TypeReference<Map<String, String>> HEADER_MAP = new TypeReference<>() {};

  private final Producer<String, byte[]> producer;
  private final RelayMetrics metrics;
  private final Clock clock;
  private final JsonMapper json = JsonMapper.builder().build();

  KafkaForwarder(Producer<String, byte[]> producer, RelayMetrics metrics, Clock clock) {
    this.producer = producer;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public void handleBatch(
      List<RecordChangeEvent<SourceRecord>> batch,
      DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
      throws InterruptedException {
    // Send the whole batch first (the producer pipelines it), then await acks in order.
    List<Future<RecordMetadata>> acks = new ArrayList<>(batch.size());
    for (RecordChangeEvent<SourceRecord> change : batch) {
      SourceRecord record = change.record();
      acks.add(isHeartbeat(record) ? null : producer.send(toProducerRecord(record)));
    }
    for (int i = 0; i < batch.size(); i++) {
      Future<RecordMetadata> ack = acks.get(i);
      if (ack != null) {
        RecordMetadata metadata = awaitAck(ack);
        metrics.relayed(metadata.topic(), Duration.ofMillis(clock.millis() - commitMillis(batch.get(i).record())));
      }
      committer.markProcessed(batch.get(i));
    }
    committer.markBatchFinished();
  }

  private ProducerRecord<String, byte[]> toProducerRecord(SourceRecord record) {
    RecordHeaders headers = new RecordHeaders();
    Header column = record.headers().lastWithName(HEADERS_COLUMN);
    if (column == null || !(column.value() instanceof String headersJson)) {
      throw new IllegalStateException("outbox record without headers on " + record.topic() + ", key " + record.key());
    }
    json.readValue(headersJson, HEADER_MAP)
        .forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
    byte[] payload = ((String) record.value()).getBytes(StandardCharsets.UTF_8);
    return new ProducerRecord<>(record.topic(), null, commitMillis(record), (String) record.key(), payload, headers);
  }

  private static RecordMetadata awaitAck(Future<RecordMetadata> ack) throws InterruptedException {
    try {
      return ack.get();
    } catch (ExecutionException e) {
      // Fails the engine: nothing from here on is marked processed, so it is relayed again later.
      throw new RelayException("Kafka did not acknowledge an outbox event", e.getCause());
    }
  }

  private static boolean isHeartbeat(SourceRecord record) {
    return record.topic().startsWith(HEARTBEAT_TOPIC_PREFIX);
  }

  private static long commitMillis(SourceRecord record) {
    Map<String, ?> offset = record.sourceOffset();
    if (offset != null && offset.get(COMMIT_MICROS_OFFSET) instanceof Number micros) {
      return micros.longValue() / 1_000;
    }
    return record.timestamp() != null ? record.timestamp() : System.currentTimeMillis();
  }
}
