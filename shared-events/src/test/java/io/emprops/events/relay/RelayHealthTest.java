package io.emprops.events.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.events.testing.KafkaTopics;
import io.emprops.events.testing.ServiceDatabase;
import io.emprops.events.testing.TestRelays;
import io.emprops.localstack.testing.SharedInfrastructure;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** Health follows the engine's life: UP while relaying or standing by, DOWN while the engine is dead. */
class RelayHealthTest {

  private static final String SCHEMA = "relay_health";
  private static ServiceDatabase database;
  private static String namespace;

  @BeforeAll
  static void provision() {
    database = ServiceDatabase.provision(SCHEMA);
    namespace = KafkaTopics.freshNamespace("health");
  }

  @AfterAll
  static void release() {
    database.close();
  }

  @Test
  void downWhileTheEngineCannotRunUpAgainOnceItRecovers() throws Exception {
    RelaySettings settings = TestRelays.settings(database, "health-service", namespace)
        // Long enough to observe the dead engine between two restart attempts.
        .restartBackoff(Duration.ofSeconds(3))
        .build();
    OutboxRelay leader = new OutboxRelay(settings, new SimpleMeterRegistry());
    OutboxRelay standby = new OutboxRelay(settings, new SimpleMeterRegistry());
    RelayHealthIndicator leaderHealth = new RelayHealthIndicator(leader);
    RelayHealthIndicator standbyHealth = new RelayHealthIndicator(standby);
    assertThat(leaderHealth.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
    try {
      leader.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> leader.state() == RelayState.RELAYING);
      standby.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> standby.state() == RelayState.STANDBY);
      assertThat(leaderHealth.health().getStatus()).isEqualTo(Status.UP);
      assertThat(standbyHealth.health().getStatus()).isEqualTo(Status.UP);
      assertThat(standbyHealth.health().getDetails()).containsEntry("state", "standby");

      // The role loses its replication privilege and the engine's connection is cut: the engine
      // dies and cannot come back.
      superuser("ALTER ROLE " + SCHEMA + " NOREPLICATION");
      superuser("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
          + " WHERE slot_name = '" + settings.slotName() + "' AND active_pid IS NOT NULL");
      RelayHealthIndicator failed = await().atMost(Duration.ofSeconds(30)).until(
          () -> leader.state() == RelayState.FAILED ? leaderHealth
              : standby.state() == RelayState.FAILED ? standbyHealth : null,
          indicator -> indicator != null);
      Health down = failed.health();
      assertThat(down.getStatus()).isEqualTo(Status.DOWN);
      assertThat(down.getDetails()).containsKey("lastFailure");

      superuser("ALTER ROLE " + SCHEMA + " REPLICATION");
      // One instance relays again; the other is back to standby once its backoff ends.
      await().atMost(Duration.ofSeconds(30)).until(() -> leader.isLeader() != standby.isLeader()
          && leaderHealth.health().getStatus().equals(Status.UP)
          && standbyHealth.health().getStatus().equals(Status.UP));
      await().atMost(Duration.ofSeconds(30))
          .until(() -> leader.state() == RelayState.RELAYING || standby.state() == RelayState.RELAYING);
    } finally {
      superuser("ALTER ROLE " + SCHEMA + " REPLICATION");
      leader.stop();
      standby.stop();
    }
  }

  private static void superuser(String sql) throws SQLException {
    try (Connection connection = SharedInfrastructure.get().postgres().superuserConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
