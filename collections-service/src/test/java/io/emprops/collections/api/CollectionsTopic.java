package io.emprops.collections.api;

import io.emprops.events.contract.EventHeaders;
import io.emprops.events.contract.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads {@code emprops.collections} from its beginning, as any consumer of collection events
 * would, independently of the service. Partitions are assigned rather than subscribed, so reading
 * starts without waiting for a consumer group to form. Not thread-safe: poll from the test thread.
 */
final class CollectionsTopic implements AutoCloseable {

  static final String NAME = Topic.COLLECTIONS.topicName();

  private final KafkaConsumer<String, String> consumer;
  private final List<ConsumerRecord<String, String>> records = new ArrayList<>();

  CollectionsTopic(String bootstrapServers) {
    consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.GROUP_ID_CONFIG, "collections-events-test-" + UUID.randomUUID(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
        new StringDeserializer(), new StringDeserializer());
    List<TopicPartition> partitions = consumer.partitionsFor(NAME, Duration.ofSeconds(10)).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Polls once more and returns every record of the collection read so far, in topic order. */
  List<ConsumerRecord<String, String>> recordsOf(UUID collectionId) {
    consumer.poll(Duration.ofMillis(100)).forEach(records::add);
    return records.stream().filter(r -> collectionId.toString().equals(r.key())).toList();
  }

  static String header(ConsumerRecord<?, ?> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  static String eventType(ConsumerRecord<?, ?> record) {
    return header(record, EventHeaders.EVENT_TYPE);
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(2));
  }
}
