package io.emprops.events.relay;

import java.util.Map;
import java.util.Properties;

/** The embedded Debezium engine's configuration for one service's outbox. */
final class DebeziumEngineProperties {

  private DebeziumEngineProperties() {}

  static Properties of(RelaySettings settings) {
    Properties p = new Properties();
    p.setProperty("name", settings.serviceName() + "-outbox-relay");
    OutboxConnectorProperties.of(settings).forEach(p::setProperty);
    // The router, then the event's own headers; heartbeats pass both and KafkaForwarder skips them.
    p.setProperty("transforms", OutboxConnectorProperties.ROUTER + "," + OutboxConnectorProperties.EVENT_HEADERS);

    // Offsets live in Kafka (a compacted topic per service), so whichever instance leads next
    // resumes where the last leader stopped.
    settings.kafkaClientProperties().forEach((name, value) -> p.setProperty(name, String.valueOf(value)));
    p.setProperty("offset.storage", "org.apache.kafka.connect.storage.KafkaOffsetBackingStore");
    p.setProperty("offset.storage.topic", settings.offsetTopic());
    p.setProperty("offset.storage.partitions", "1");
    p.setProperty("offset.storage.replication.factor", Integer.toString(settings.offsetTopicReplicationFactor()));
    p.setProperty("offset.flush.interval.ms", Long.toString(settings.offsetFlushInterval().toMillis()));
    p.setProperty("offset.flush.timeout.ms", "10000");
    // The relay exports its own metrics; Debezium's latency statistics would only cost CPU.
    p.setProperty("statistics.metrics.enabled", "false");
    // Errors end the engine; the relay's supervisor owns restarts (and reports them as health).
    p.setProperty("errors.max.retries", "0");
    // An idle relay sleeps until its database has something to say (see both classes).
    p.setProperty("queue.provider.type", NonSpinningQueueProvider.NAME);
    p.setProperty("driver.socketFactory", WakingSocketFactory.class.getName());

    for (Map.Entry<String, String> override : settings.debeziumOverrides().entrySet()) {
      p.setProperty(override.getKey(), override.getValue());
    }
    return p;
  }
}
