package io.emprops.events.config;

import io.emprops.events.contract.Topic;
import io.emprops.events.relay.RelayMode;
import io.emprops.events.relay.RelaySettings;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code emprops.events.*}; every property has a default (docs/events.md lists them). The service
 * itself is named by {@code spring.application.name} and its schema by {@code emprops.service.schema}.
 *
 * @param namespace topics are {@code <namespace>.<aggregate type>}; change it only to share one
 *     Kafka cluster between stacks
 */
@ConfigurationProperties("emprops.events")
public record EventsProperties(
    @DefaultValue(Topic.DEFAULT_NAMESPACE) String namespace,
    @DefaultValue Topics topics,
    @DefaultValue Outbox outbox,
    @DefaultValue Relay relay,
    @DefaultValue Inbox inbox) {

  /**
   * The relay these properties describe for one service, without its database and Kafka
   * connection (the caller adds them): what the embedded relay runs with, and what
   * {@link io.emprops.events.relay.KafkaConnectConnector} makes a connector of.
   */
  public RelaySettings.Builder relaySettings(String serviceName, String schema) {
    return RelaySettings.builder(serviceName, schema)
        .producerOverrides(relay.producer())
        .namespace(namespace)
        .slotName(relay.slotName())
        .publicationName(relay.publicationName())
        .offsetTopic(relay.offsetTopic())
        .offsetTopicReplicationFactor(relay.offsetTopicReplicationFactor())
        .pollInterval(relay.pollInterval())
        .maxBatchSize(relay.maxBatchSize())
        .heartbeatInterval(relay.heartbeatInterval())
        .offsetFlushInterval(relay.offsetFlushInterval())
        .leaderCheckInterval(relay.leaderCheckInterval())
        .restartBackoff(relay.restartBackoff())
        .debeziumOverrides(relay.debezium())
        .mode(relay.mode());
  }

  /**
   * @param create declare every event topic and its dead-letter topic (created at startup if missing)
   * @param partitions partitions of created topics
   * @param replicationFactor replicas of created topics; -1 for the broker default
   */
  public record Topics(
      @DefaultValue("true") boolean create,
      @DefaultValue("3") int partitions,
      @DefaultValue("-1") short replicationFactor) {}

  /**
   * @param commitSynchronously publishing transactions commit with {@code synchronous_commit=on}
   *     when the server default is weaker, so the relay sees them at once (see {@code Outbox})
   */
  public record Outbox(@DefaultValue("true") boolean commitSynchronously) {}

  /**
   * @param enabled run the relay in this service (off only for services that never publish)
   * @param mode {@code embedded} (default): the service's own engine relays; {@code kafka-connect}:
   *     Debezium's connector on Kafka Connect relays, the service only prepares the slot
   * @param slotName default {@code emprops_<schema>_outbox}
   * @param publicationName default {@code emprops_<schema>_outbox}
   * @param offsetTopic default {@code <namespace>.relay-offsets.<spring.application.name>}
   * @param offsetTopicReplicationFactor -1 for the broker default
   * @param pollInterval engine poll interval: the floor of the relay's latency
   * @param maxBatchSize most outbox rows relayed per batch
   * @param heartbeatInterval heartbeat writes that let the slot advance while the outbox is quiet
   * @param offsetFlushInterval how often relayed positions are stored: bounds redelivery after a crash
   * @param leaderCheckInterval how often a standby tries to take over (bounds failover time)
   * @param restartBackoff pause after an engine failure before contending again
   * @param producer Kafka producer overrides for the relay (idempotence and acks=all are fixed)
   * @param debezium raw Debezium engine properties, applied last
   */
  public record Relay(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("embedded") RelayMode mode,
      String slotName,
      String publicationName,
      String offsetTopic,
      @DefaultValue("-1") int offsetTopicReplicationFactor,
      @DefaultValue("5ms") Duration pollInterval,
      @DefaultValue("2048") int maxBatchSize,
      @DefaultValue("10s") Duration heartbeatInterval,
      @DefaultValue("1s") Duration offsetFlushInterval,
      @DefaultValue("1s") Duration leaderCheckInterval,
      @DefaultValue("5s") Duration restartBackoff,
      Map<String, String> producer,
      Map<String, String> debezium) {

    public Relay {
      producer = producer == null ? Map.of() : Map.copyOf(producer);
      debezium = debezium == null ? Map.of() : Map.copyOf(debezium);
    }
  }

  /**
   * @param groupId the service's consumer group, default {@code spring.application.name}
   * @param concurrency consumer threads per instance
   * @param maxAttempts handler attempts per event before it goes to {@code <topic>.dlt}
   * @param initialBackoff pause before the first retry, multiplied by {@code backoffMultiplier} up
   *     to {@code maxBackoff}
   * @param retention how long handled event ids are remembered
   * @param batchSize events handled in one transaction, at most (1: one transaction per event).
   *     More spares a commit per event where events come in bulk; a batch that fails is handled
   *     again one event at a time, so a poison event is still retried and parked alone
   */
  public record Inbox(
      String groupId,
      @DefaultValue("1") int concurrency,
      @DefaultValue("3") int maxAttempts,
      @DefaultValue("200ms") Duration initialBackoff,
      @DefaultValue("2.0") double backoffMultiplier,
      @DefaultValue("5s") Duration maxBackoff,
      @DefaultValue("14d") Duration retention,
      @DefaultValue("1") int batchSize) {}
}
