package io.emprops.events.relay;

import io.emprops.events.connect.OutboxEventHeaders;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Debezium Postgres connector's configuration for one service's outbox, the same whichever
 * runtime runs it: the embedded engine ({@link DebeziumEngineProperties}) or a Kafka Connect
 * cluster ({@link KafkaConnectConnector}). What differs between the two is added by each.
 */
final class OutboxConnectorProperties {

  static final String CONNECTOR_CLASS = "io.debezium.connector.postgresql.PostgresConnector";
  static final String ROUTER = "outbox";
  static final String EVENT_HEADERS = "eventHeaders";
  static final String HEARTBEAT_TOPIC_PREFIX = "__emprops-relay-heartbeat";

  private OutboxConnectorProperties() {}

  /** Without {@code transforms} (the list) and without the Debezium overrides, which come last. */
  static Map<String, String> of(RelaySettings settings) {
    PostgresEndpoint database = settings.database();
    String schema = settings.schema();
    Map<String, String> p = new LinkedHashMap<>();
    p.put("connector.class", CONNECTOR_CLASS);
    // Logical server name: prefixes the heartbeat topic name and keys the stored offsets.
    p.put("topic.prefix", settings.serviceName());
    p.put("topic.heartbeat.prefix", HEARTBEAT_TOPIC_PREFIX);

    p.put("database.hostname", database.host());
    p.put("database.port", Integer.toString(database.port()));
    p.put("database.dbname", database.database());
    p.put("database.user", settings.username());
    p.put("database.password", settings.password());

    p.put("plugin.name", "pgoutput");
    p.put("slot.name", settings.slotName());
    p.put("publication.name", settings.publicationName());
    // The service creates both when it starts (see ReplicationSlot why not the connector).
    p.put("publication.autocreate.mode", "disabled");
    // After a failover the previous reader's WAL sender may hold the slot for a moment: retry
    // briefly and often (up to 30 s) rather than once a while.
    p.put("slot.max.retries", "120");
    p.put("slot.retry.delay.ms", "250");
    p.put("table.include.list", schema + "\\.outbox");
    // The outbox is always empty: there is nothing to snapshot, only the stream.
    p.put("snapshot.mode", "no_data");
    p.put("tombstones.on.delete", "false");
    p.put("poll.interval.ms", Long.toString(settings.pollInterval().toMillis()));
    p.put("max.batch.size", Integer.toString(settings.maxBatchSize()));
    p.put("max.queue.size", Integer.toString(settings.maxBatchSize() * 4));

    p.put("heartbeat.interval.ms", Long.toString(settings.heartbeatInterval().toMillis()));
    p.put("heartbeat.action.query", "INSERT INTO " + schema + ".relay_heartbeat (id, beat_at)"
        + " VALUES (1, now()) ON CONFLICT (id) DO UPDATE SET beat_at = excluded.beat_at");

    String router = "transforms." + ROUTER + ".";
    p.put(router + "type", "io.debezium.transforms.outbox.EventRouter");
    p.put(router + "table.field.event.id", "id");
    p.put(router + "table.field.event.key", "aggregate_id");
    p.put(router + "table.field.event.payload", "payload");
    p.put(router + "route.by.field", "aggregate_type");
    p.put(router + "route.topic.replacement", settings.namespace() + ".${routedByValue}");
    p.put(router + "table.fields.additional.placement",
        "headers:header:" + OutboxEventHeaders.HEADERS_COLUMN);
    p.put(router + "table.expand.json.payload", "false");
    p.put("transforms." + EVENT_HEADERS + ".type", OutboxEventHeaders.class.getName());
    return p;
  }
}
