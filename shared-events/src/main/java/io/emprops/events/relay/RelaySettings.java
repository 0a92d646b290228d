package io.emprops.events.relay;

import io.emprops.events.contract.Topic;
import io.emprops.events.outbox.SqlIdentifiers;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one service's relay needs. The auto-configuration fills it from the service's
 * datasource, Kafka and {@code emprops.events.relay.*} properties; tests and tools use
 * {@link #builder}.
 *
 * @param serviceName {@code spring.application.name}; names the engine, the offset topic and the
 *     Kafka client
 * @param schema the service's schema, which holds the outbox
 * @param jdbcUrl the service's database (single host)
 * @param kafkaClientProperties connection settings shared by the relay's Kafka clients
 *     ({@code bootstrap.servers}, security)
 * @param producerOverrides producer settings applied last (tuning only: idempotence and
 *     {@code acks=all} are not negotiable)
 * @param namespace topic namespace: events go to {@code <namespace>.<aggregate type>}
 * @param slotName the logical replication slot (one per service)
 * @param publicationName the publication the slot decodes (outbox and heartbeat tables)
 * @param offsetTopic where the engine stores its source offsets (one compacted topic per service)
 * @param offsetTopicReplicationFactor replication of the offset topic; -1 for the broker default
 * @param pollInterval how long the engine waits for more changes before handing a batch over
 * @param maxBatchSize most changes handed over (and produced) at once
 * @param heartbeatInterval how often the heartbeat writes, so that the slot advances while idle
 * @param offsetFlushInterval how often processed offsets are stored (what a crash may redeliver)
 * @param leaderCheckInterval how often a standby tries to take over, and the leader checks its lock
 * @param restartBackoff pause before contending again after the engine failed
 * @param debeziumOverrides raw Debezium engine properties applied last
 * @param mode who relays: this service's embedded engine, or a connector on Kafka Connect
 */
public record RelaySettings(
    String serviceName,
    String schema,
    String jdbcUrl,
    String username,
    String password,
    Map<String, Object> kafkaClientProperties,
    Map<String, Object> producerOverrides,
    String namespace,
    String slotName,
    String publicationName,
    String offsetTopic,
    int offsetTopicReplicationFactor,
    Duration pollInterval,
    int maxBatchSize,
    Duration heartbeatInterval,
    Duration offsetFlushInterval,
    Duration leaderCheckInterval,
    Duration restartBackoff,
    Map<String, String> debeziumOverrides,
    RelayMode mode) {

  public RelaySettings {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(serviceName, "serviceName");
    SqlIdentifiers.requirePlain(schema);
    SqlIdentifiers.requirePlain(slotName);
    SqlIdentifiers.requirePlain(publicationName);
    PostgresEndpoint.fromJdbcUrl(jdbcUrl);
    if (!kafkaClientProperties.containsKey("bootstrap.servers")) {
      throw new IllegalArgumentException("kafkaClientProperties lack bootstrap.servers");
    }
    kafkaClientProperties = Map.copyOf(kafkaClientProperties);
    producerOverrides = Map.copyOf(producerOverrides);
    debeziumOverrides = Map.copyOf(debeziumOverrides);
  }

  /** Names only: the settings hold the database password. */
  @Override
  public String toString() {
    return "RelaySettings[service=" + serviceName + ", schema=" + schema + ", slot=" + slotName
        + ", namespace=" + namespace + ", mode=" + mode + "]";
  }

  public PostgresEndpoint database() {
    return PostgresEndpoint.fromJdbcUrl(jdbcUrl);
  }

  /**
   * @param serviceName {@code spring.application.name}
   * @param schema the service's schema
   */
  public static Builder builder(String serviceName, String schema) {
    return new Builder(serviceName, schema);
  }

  /** Defaults match the {@code emprops.events.relay.*} property defaults (docs/events.md). */
  public static final class Builder {
    private final String serviceName;
    private final String schema;
    private String jdbcUrl;
    private String username;
    private String password;
    private final Map<String, Object> kafkaClientProperties = new LinkedHashMap<>();
    private final Map<String, Object> producerOverrides = new LinkedHashMap<>();
    private String namespace = Topic.DEFAULT_NAMESPACE;
    private String slotName;
    private String publicationName;
    private String offsetTopic;
    private int offsetTopicReplicationFactor = -1;
    private Duration pollInterval = Duration.ofMillis(5);
    private int maxBatchSize = 2048;
    private Duration heartbeatInterval = Duration.ofSeconds(10);
    private Duration offsetFlushInterval = Duration.ofSeconds(1);
    private Duration leaderCheckInterval = Duration.ofSeconds(1);
    private Duration restartBackoff = Duration.ofSeconds(5);
    private final Map<String, String> debeziumOverrides = new LinkedHashMap<>();
    private RelayMode mode = RelayMode.EMBEDDED;

    private Builder(String serviceName, String schema) {
      this.serviceName = serviceName;
      this.schema = schema;
    }

    public Builder database(String jdbcUrl, String username, String password) {
      this.jdbcUrl = jdbcUrl;
      this.username = username;
      this.password = password;
      return this;
    }

    public Builder kafkaClientProperties(Map<String, ?> properties) {
      kafkaClientProperties.putAll(properties);
      return this;
    }

    public Builder producerOverrides(Map<String, ?> properties) {
      producerOverrides.putAll(properties);
      return this;
    }

    public Builder namespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    public Builder slotName(String slotName) {
      this.slotName = slotName;
      return this;
    }

    public Builder publicationName(String publicationName) {
      this.publicationName = publicationName;
      return this;
    }

    public Builder offsetTopic(String offsetTopic) {
      this.offsetTopic = offsetTopic;
      return this;
    }

    public Builder offsetTopicReplicationFactor(int replicationFactor) {
      this.offsetTopicReplicationFactor = replicationFactor;
      return this;
    }

    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = pollInterval;
      return this;
    }

    public Builder maxBatchSize(int maxBatchSize) {
      this.maxBatchSize = maxBatchSize;
      return this;
    }

    public Builder heartbeatInterval(Duration heartbeatInterval) {
      this.heartbeatInterval = heartbeatInterval;
      return this;
    }

    public Builder offsetFlushInterval(Duration offsetFlushInterval) {
      this.offsetFlushInterval = offsetFlushInterval;
      return this;
    }

    public Builder leaderCheckInterval(Duration leaderCheckInterval) {
      this.leaderCheckInterval = leaderCheckInterval;
      return this;
    }

    public Builder restartBackoff(Duration restartBackoff) {
      this.restartBackoff = restartBackoff;
      return this;
    }

    public Builder debeziumOverrides(Map<String, String> overrides) {
      debeziumOverrides.putAll(overrides);
      return this;
    }

    public Builder mode(RelayMode mode) {
      this.mode = mode;
      return this;
    }

    public RelaySettings build() {
      // One slot and publication per service schema; the offset topic per service.
      String defaultReplicationName = "emprops_" + schema + "_outbox";
      return new RelaySettings(serviceName, schema, jdbcUrl, username, password,
          kafkaClientProperties, producerOverrides, namespace,
          slotName != null ? slotName : defaultReplicationName,
          publicationName != null ? publicationName : defaultReplicationName,
          offsetTopic != null ? offsetTopic : namespace + ".relay-offsets." + serviceName,
          offsetTopicReplicationFactor, pollInterval, maxBatchSize, heartbeatInterval,
          offsetFlushInterval, leaderCheckInterval, restartBackoff, debeziumOverrides, mode);
    }
  }
}
