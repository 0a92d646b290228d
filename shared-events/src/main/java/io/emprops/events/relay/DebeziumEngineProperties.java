package io.emprops.events.relay;

import java.util.Map;
import java.util.Properties;

/** The embedded Debezium engine's configuration for one service's outbox. */
final class DebeziumEngineProperties {

  private static final String ROUTER = "transforms.outbox.";

  private DebeziumEngineProperties() {}

  static Properties of(RelaySettings settings) {
    PostgresEndpoint database = settings.database();
    String schema = settings.schema();
    Properties p = new Properties();

    p.setProperty("name", settings.serviceName() + "-outbox-relay");
    p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    // Logical server name: prefixes the heartbeat topic name and keys the stored offsets.
    p.setProperty("topic.prefix", settings.serviceName());
    p.setProperty("topic.heartbeat.prefix", KafkaForwarder.HEARTBEAT_TOPIC_PREFIX);

    // Offsets live in Kafka (a compacted topic per service), so whichever instance leads next
    // resumes where the last leader stopped.
    settings.kafkaClientProperties().forEach((name, value) -> p.setProperty(name, String.valueOf(value)));
    p.setProperty("offset.storage", "org.apache.kafka.connect.storage.KafkaOffsetBackingStore");
    p.setProperty("offset.storage.topic", settings.offsetTopic());
    p.setProperty("offset.storage.partitions", "1");
    p.setProperty("offset.storage.replication.factor", Integer.toString(settings.offsetTopicReplicationFactor()));
    p.setProperty("offset.flush.interval.ms", Long.toString(settings.offsetFlushInterval().toMillis()));
    p.setProperty("offset.flush.timeout.ms", "10000");

    p.setProperty("database.hostname", database.host());
    p.setProperty("database.port", Integer.toString(database.port()));
    p.setProperty("database.dbname", database.database());
    p.setProperty("database.user", settings.username());
    p.setProperty("database.password", settings.password());

    p.setProperty("plugin.name", "pgoutput");
    p.setProperty("slot.name", settings.slotName());
    p.setProperty("publication.name", settings.publicationName());
    // ReplicationSlot creates both when the service starts (see there why not the engine).
    p.setProperty("publication.autocreate.mode", "disabled");
    // After a failover the previous leader's WAL sender may hold the slot for a moment: retry
    // briefly and often (up to 30 s) rather than once a while.
    p.setProperty("slot.max.retries", "120");
    p.setProperty("slot.retry.delay.ms", "250");
    p.setProperty("table.include.list", schema + "\\.outbox");
    // The outbox is always empty: there is nothing to snapshot, only the stream.
    p.setProperty("snapshot.mode", "no_data");
    p.setProperty("tombstones.on.delete", "false");
    p.setProperty("poll.interval.ms", Long.toString(settings.pollInterval().toMillis()));
    p.setProperty("max.batch.size", Integer.toString(settings.maxBatchSize()));
    p.setProperty("max.queue.size", Integer.toString(settings.maxBatchSize() * 4));
    // The relay exports its own metrics; Debezium's latency statistics would only cost CPU.
    p.setProperty("statistics.metrics.enabled", "false");
    // Errors end the engine; the relay's supervisor owns restarts (and reports them as health).
    p.setProperty("errors.max.retries", "0");

    p.setProperty("heartbeat.interval.ms", Long.toString(settings.heartbeatInterval().toMillis()));
    p.setProperty("heartbeat.action.query", "INSERT INTO " + schema + ".relay_heartbeat (id, beat_at)"
        + " VALUES (1, now()) ON CONFLICT (id) DO UPDATE SET beat_at = excluded.beat_at");

    p.setProperty("transforms", "outbox");
    p.setProperty(ROUTER + "type", "io.debezium.transforms.outbox.EventRouter");
    p.setProperty(ROUTER + "table.field.event.id", "id");
    p.setProperty(ROUTER + "table.field.event.key", "aggregate_id");
    p.setProperty(ROUTER + "table.field.event.payload", "payload");
    p.setProperty(ROUTER + "route.by.field", "aggregate_type");
    p.setProperty(ROUTER + "route.topic.replacement", settings.namespace() + ".${routedByValue}");
    p.setProperty(ROUTER + "table.fields.additional.placement",
        "headers:header:" + KafkaForwarder.HEADERS_COLUMN);
    p.setProperty(ROUTER + "table.expand.json.payload", "false");

    for (Map.Entry<String, String> override : settings.debeziumOverrides().entrySet()) {
      p.setProperty(override.getKey(), override.getValue());
    }
    return p;
  }
}
