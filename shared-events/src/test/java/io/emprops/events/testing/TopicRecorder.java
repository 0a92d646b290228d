package io.emprops.events.testing;

import io.emprops.events.contract.EventHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;

/**
 * Reads topics from their beginning on a thread of its own and keeps every record, to check what
 * the relay actually produced (order, duplicates, headers), independently of the inbox.
 */
public final class TopicRecorder implements AutoCloseable {

  private final KafkaConsumer<String, byte[]> consumer;
  private final List<ConsumerRecord<String, byte[]>> records = new CopyOnWriteArrayList<>();
  private final Thread poller;
  private volatile boolean running = true;

  public TopicRecorder(Collection<String> topics) {
    consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTopics.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "recorder-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
        new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(topics);
    poller = Thread.ofPlatform().name("topic-recorder").daemon(true).start(this::poll);
  }

  private void poll() {
    try {
      while (running) {
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  public List<ConsumerRecord<String, byte[]>> records() {
    return List.copyOf(records);
  }

  /** The record of {@code eventId} on {@code topic}, once recorded (within 30 s). */
  public ConsumerRecord<String, byte[]> awaitRecord(String topic, UUID eventId) {
    return Awaitility.await().atMost(Duration.ofSeconds(30)).until(
        () -> recordsOf(topic).stream()
            .filter(r -> eventId.toString().equals(header(r, EventHeaders.EVENT_ID)))
            .findFirst().orElse(null),
        record -> record != null);
  }

  public List<ConsumerRecord<String, byte[]>> recordsOf(String topic) {
    return records.stream().filter(r -> r.topic().equals(topic)).toList();
  }

  /** The {@code eventId} header of every record, in arrival order. */
  public List<UUID> eventIds() {
    List<UUID> ids = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : records) {
      ids.add(UUID.fromString(header(record, EventHeaders.EVENT_ID)));
    }
    return ids;
  }

  public static String header(ConsumerRecord<?, ?> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    poller.join(5_000);
  }
}
