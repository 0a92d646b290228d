package io.emprops.events.testing;

import io.emprops.events.relay.RelaySettings;
import java.time.Duration;
import java.util.Map;

/** Relay settings for tests: the suite's defaults with short intervals so failovers are quick. */
public final class TestRelays {

  private TestRelays() {}

  public static RelaySettings.Builder settings(ServiceDatabase database, String serviceName, String namespace) {
    return settings(serviceName, database.schema(), database.jdbcUrl(), database.username(), database.password(),
        KafkaTopics.bootstrapServers(), namespace);
  }

  public static RelaySettings.Builder settings(String serviceName, String schema, String jdbcUrl, String username,
      String password, String bootstrapServers, String namespace) {
    return RelaySettings.builder(serviceName, schema)
        .database(jdbcUrl, username, password)
        .kafkaClientProperties(Map.of("bootstrap.servers", bootstrapServers))
        .namespace(namespace)
        .offsetTopicReplicationFactor(1)
        .leaderCheckInterval(Duration.ofMillis(250))
        .restartBackoff(Duration.ofMillis(500))
        .heartbeatInterval(Duration.ofSeconds(2));
  }
}
