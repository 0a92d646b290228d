package io.emprops.events.inbox;

import java.time.Duration;
import java.util.Map;

/**
 * How the service consumes events (from {@code emprops.events.inbox.*}).
 *
 * @param namespace topic namespace, as for the relay
 * @param groupId the Kafka consumer group: one per service, so its instances share the partitions
 * @param clientIdPrefix prefixes the consumer's and the dead-letter producer's client ids
 * @param concurrency consumer threads per instance (at most the topics' partition count helps)
 * @param maxAttempts handler attempts per event before it is dead-lettered (≥ 1)
 * @param initialBackoff pause before the first retry; doubles up to {@code maxBackoff}
 * @param batchSize events handled in one transaction, at most (1: one per event)
 * @param consumerProperties Kafka consumer settings (connection, tuning)
 * @param producerProperties Kafka producer settings for the dead-letter topics
 */
public record InboxSettings(
    String namespace,
    String groupId,
    String clientIdPrefix,
    int concurrency,
    int maxAttempts,
    Duration initialBackoff,
    double backoffMultiplier,
    Duration maxBackoff,
    int batchSize,
    Map<String, Object> consumerProperties,
    Map<String, Object> producerProperties) {

  public InboxSettings {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1");
    }
    consumerProperties = Map.copyOf(consumerProperties);
    producerProperties = Map.copyOf(producerProperties);
  }
}
