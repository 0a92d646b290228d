package io.emprops.events.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.emprops.localstack.infra.Infrastructure;
import io.emprops.localstack.testing.SharedInfrastructure;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The events tables get their own Flyway history next to the service's. */
class EventsSchemaMigrationTest {

  private final Infrastructure infra = SharedInfrastructure.get();

  @Test
  void appliesAfterTheServicesOwnMigrationsWithAHistoryOfItsOwn() {
    try (HikariDataSource dataSource = dataSourceFor("migration_after_service")) {
      Flyway.configure().dataSource(dataSource).schemas("migration_after_service")
          .locations("classpath:db/migration").load().migrate();

      EventsSchemaMigration migration = EventsSchemaMigration.applyTo(dataSource, "migration_after_service");

      assertThat(migration.result().migrationsExecuted).isEqualTo(1);
      JdbcClient jdbc = JdbcClient.create(dataSource);
      assertThat(tables(jdbc, "migration_after_service")).containsExactlyInAnyOrder(
          "effects", "flyway_schema_history", "flyway_events_history", "outbox", "inbox", "relay_heartbeat");
      // Both histories have their own V1: the service's numbering is its own.
      assertThat(jdbc.sql("SELECT version FROM flyway_schema_history WHERE success").query(String.class).list())
          .containsExactly("1");
      assertThat(jdbc.sql("SELECT version FROM flyway_events_history WHERE success ORDER BY installed_rank")
          .query(String.class).list()).containsExactly("0", "1");
    }
  }

  @Test
  void isIdempotentAndWorksInAnEmptySchema() {
    try (HikariDataSource dataSource = dataSourceFor("migration_alone")) {
      assertThat(EventsSchemaMigration.applyTo(dataSource, "migration_alone").result().migrationsExecuted).isEqualTo(1);
      assertThat(EventsSchemaMigration.applyTo(dataSource, "migration_alone").result().migrationsExecuted).isZero();
      assertThat(tables(JdbcClient.create(dataSource), "migration_alone"))
          .containsExactlyInAnyOrder("flyway_events_history", "outbox", "inbox", "relay_heartbeat");
    }
  }

  private HikariDataSource dataSourceFor(String schema) {
    String password = infra.provisionSchema(schema);
    HikariDataSource dataSource = new HikariDataSource();
    dataSource.setJdbcUrl(infra.postgres().jdbcUrl(schema));
    dataSource.setUsername(schema);
    dataSource.setPassword(password);
    dataSource.setMaximumPoolSize(2);
    return dataSource;
  }

  private static List<String> tables(JdbcClient jdbc, String schema) {
    return jdbc.sql("SELECT tablename FROM pg_tables WHERE schemaname = ?").param(schema).query(String.class).list();
  }
}
