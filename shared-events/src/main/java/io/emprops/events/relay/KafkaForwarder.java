package io.emprops.events.relay;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.emprops.events.connect.OutboxEventHeaders;
import io.emprops.events.contract.EventHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Hands the engine's batches to Kafka. Records arrive shaped by the Outbox Event Router (topic
 * from {@code aggregate_type}, key {@code aggregate_id}, value the JSON payload) and by
 * {@link OutboxEventHeaders} (the event's own headers, the commit time as timestamp), exactly as a
 * Kafka Connect worker would produce them; this writes them with the relay's idempotent producer,
 * each in the trace of the request that wrote its event ({@link RelayTracing}).
 *
 * <p>A record is marked processed only after Kafka acknowledged it, and records are marked in
 * order, so the offsets the engine stores never run ahead of what Kafka holds: a crash may
 * redeliver, never lose.
 */
final class KafkaForwarder implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {

  private final Producer<String, byte[]> producer;
  private final RelayMetrics metrics;
  private final Clock clock;
  private final RelayTracing tracing;

  KafkaForwarder(Producer<String, byte[]> producer, RelayMetrics metrics, Clock clock, RelayTracing tracing) {
    this.producer = producer;
    this.metrics = metrics;
    this.clock = clock;
    this.tracing = tracing;
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
      acks.add(isHeartbeat(record) ? null : send(record));
    }
    for (int i = 0; i < batch.size(); i++) {
      Future<RecordMetadata> ack = acks.get(i);
      if (ack != null) {
        RecordMetadata metadata = awaitAck(ack);
        Long committed = OutboxEventHeaders.commitMillis(batch.get(i).record());
        metrics.relayed(metadata.topic(), Duration.ofMillis(clock.millis() - (committed != null ? committed : clock.millis())));
      }
      committer.markProcessed(batch.get(i));
    }
    committer.markBatchFinished();
  }

  private Future<RecordMetadata> send(SourceRecord record) {
    if (record.headers().lastWithName(EventHeaders.EVENT_ID) == null) {
      throw new IllegalStateException("outbox record without event headers on " + record.topic() + ", key " + record.key());
    }
    RecordHeaders headers = new RecordHeaders();
    String traceparent = null;
    for (Header header : record.headers()) {
      String value = String.valueOf(header.value());
      headers.add(header.key(), value.getBytes(StandardCharsets.UTF_8));
      if (EventHeaders.TRACEPARENT.equals(header.key())) {
        traceparent = value;
      }
    }
    byte[] payload = ((String) record.value()).getBytes(StandardCharsets.UTF_8);
    ProducerRecord<String, byte[]> producerRecord =
        new ProducerRecord<>(record.topic(), null, record.timestamp(), (String) record.key(), payload, headers);
    return tracing.inTraceOf(traceparent, () -> producer.send(producerRecord));
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
    return record.topic().startsWith(OutboxConnectorProperties.HEARTBEAT_TOPIC_PREFIX);
  }
}
