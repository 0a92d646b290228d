package io.emprops.events.testing;

import io.emprops.events.contract.Topic;
import io.emprops.localstack.testing.SharedInfrastructure;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** A private topic namespace per test class, so test classes never see each other's events. */
public final class KafkaTopics {

  private KafkaTopics() {}

  /** A fresh namespace with every event topic and dead-letter topic created (3 partitions). */
  public static String freshNamespace(String label) {
    String namespace = "test-" + label.toLowerCase(Locale.ROOT) + "-" + UUID.randomUUID().toString().substring(0, 8);
    SharedInfrastructure.get().kafka().createTopics(allTopics(namespace), 3);
    return namespace;
  }

  public static List<String> allTopics(String namespace) {
    return Stream.of(Topic.values())
        .flatMap(topic -> Stream.of(topic.topicName(namespace), topic.deadLetterTopicName(namespace)))
        .toList();
  }

  public static String bootstrapServers() {
    return SharedInfrastructure.get().kafka().bootstrapServers();
  }

  /** A producer of raw records (any key, payload and headers), as a foreign or broken producer would write them. */
  public static KafkaProducer<String, byte[]> rawProducer() {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()),
        new StringSerializer(), new ByteArraySerializer());
  }
}
