package io.emprops.events.relay;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One service's outbox relay as a connector on a Kafka Connect cluster (distributed mode):
 * Debezium's Postgres connector with the same settings, router and event headers as the embedded
 * relay, so the same records reach the same topics in the same order. The service then runs with
 * {@code emprops.events.relay.mode=kafka-connect}.
 *
 * <p>The worker needs {@code debezium-connector-postgres} and the {@code emprops-connect-plugin}
 * jar on its plugin path (see {@code deploy/kafka-connect}). Secrets stay out of the configuration
 * when the settings' password is a config-provider reference such as
 * {@code ${env:CREDITS_DB_PASSWORD}}.
 */
public final class KafkaConnectConnector {

  private static final String HEARTBEAT_FILTER = "dropHeartbeats";
  private static final String HEARTBEAT_PREDICATE = "isHeartbeat";

  private KafkaConnectConnector() {}

  /** The connector's name: {@code <spring.application.name>-outbox}. */
  public static String name(RelaySettings settings) {
    return settings.serviceName() + "-outbox";
  }

  /**
   * The connector's configuration, {@code name} included, as {@code PUT /connectors/<name>/config}
   * takes it.
   */
  public static Map<String, String> config(RelaySettings settings) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("name", name(settings));
    // One task: a replication slot admits one reader, and per-aggregate order needs one.
    p.put("tasks.max", "1");
    // Keys and payloads are text, written as they are (as the embedded relay's producer does).
    p.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    p.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
    p.put("header.converter", "org.apache.kafka.connect.storage.SimpleHeaderConverter");
    p.putAll(OutboxConnectorProperties.of(settings));
    // Heartbeats only move the slot (Connect still commits their offsets); they reach no topic.
    p.put("transforms", String.join(",", HEARTBEAT_FILTER, OutboxConnectorProperties.ROUTER,
        OutboxConnectorProperties.EVENT_HEADERS));
    p.put("transforms." + HEARTBEAT_FILTER + ".type", "org.apache.kafka.connect.transforms.Filter");
    p.put("transforms." + HEARTBEAT_FILTER + ".predicate", HEARTBEAT_PREDICATE);
    p.put("predicates", HEARTBEAT_PREDICATE);
    p.put("predicates." + HEARTBEAT_PREDICATE + ".type",
        "org.apache.kafka.connect.transforms.predicates.TopicNameMatches");
    p.put("predicates." + HEARTBEAT_PREDICATE + ".pattern",
        OutboxConnectorProperties.HEARTBEAT_TOPIC_PREFIX + "\\..*");
    // Producer tuning of emprops.events.relay.producer.* (the worker must allow client overrides).
    settings.producerOverrides().forEach((name, value) -> p.put("producer.override." + name, String.valueOf(value)));
    p.putAll(settings.debeziumOverrides());
    return p;
  }
}
