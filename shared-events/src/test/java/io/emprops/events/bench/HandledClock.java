package io.emprops.events.bench;

import io.emprops.events.contract.EventHeaders;
import io.emprops.events.testing.KafkaTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** The consumer side of the benchmark: when each event (by its eventId header) was handled. */
final class HandledClock implements AutoCloseable {

  private final KafkaConsumer<String, byte[]> consumer;
  private final Map<UUID, Long> handledAt = new ConcurrentHashMap<>();
  private final Thread poller;
  private volatile boolean running = true;
  private volatile boolean assigned;

  HandledClock(String topic) {
    consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTopics.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000),
        new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        assigned = true;
      }

      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}
    });
    poller = Thread.ofPlatform().name("bench-consumer").daemon(true).start(this::poll);
  }

  private void poll() {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          long now = System.nanoTime();
          UUID eventId = UUID.fromString(new String(
              record.headers().lastHeader(EventHeaders.EVENT_ID).value(), StandardCharsets.UTF_8));
          handledAt.putIfAbsent(eventId, now);
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  /** Waits until the consumer is assigned its partitions, so that no event predates it. */
  void awaitAssignment() throws InterruptedException {
    while (!assigned) {
      Thread.sleep(50);
    }
  }

  /** {@link System#nanoTime()} when the event was handled, null if it was not (yet). */
  Long handledAt(UUID eventId) {
    return handledAt.get(eventId);
  }

  boolean handledAll(Collection<UUID> eventIds) {
    return eventIds.stream().allMatch(handledAt::containsKey);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    poller.join(5_000);
  }
}
