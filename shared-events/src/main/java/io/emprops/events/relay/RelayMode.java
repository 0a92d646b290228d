package io.emprops.events.relay;

/** Who streams a service's outbox to Kafka ({@code emprops.events.relay.mode}). */
public enum RelayMode {
  /**
   * The service itself: an embedded Debezium engine on the instance holding the leader lock
   * (the default, and all one machine needs).
   */
  EMBEDDED,
  /**
   * Debezium's Postgres connector on a Kafka Connect cluster in distributed mode, configured from
   * the same settings ({@link KafkaConnectConnector}). The service only prepares the publication
   * and the replication slot before it first writes, and watches the slot's lag.
   */
  KAFKA_CONNECT
}
