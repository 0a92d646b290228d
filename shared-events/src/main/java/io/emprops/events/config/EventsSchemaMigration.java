package io.emprops.events.config;

import io.emprops.events.outbox.SqlIdentifiers;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies shared-events' own migrations ({@code classpath:db/emprops-events}: outbox, inbox,
 * relay heartbeat) to the service's schema, with their own history table
 * ({@value #HISTORY_TABLE}), so that services keep their {@code V1…} numbering to themselves.
 *
 * <p>Runs after the service's own Flyway: the service's first migration then sees an empty schema.
 * This one baselines at version 0 when it meets a schema that already has tables.
 */
public final class EventsSchemaMigration {

  public static final String LOCATION = "classpath:db/emprops-events";
  public static final String HISTORY_TABLE = "flyway_events_history";

  private final String schema;
  private final MigrateResult result;

  private EventsSchemaMigration(String schema, MigrateResult result) {
    this.schema = schema;
    this.result = result;
  }

  /** Brings the events tables of {@code schema} up to date. */
  public static EventsSchemaMigration applyTo(DataSource dataSource, String schema) {
    return new EventsSchemaMigration(schema, migrate(dataSource, schema));
  }

  public String schema() {
    return schema;
  }

  public MigrateResult result() {
    return result;
  }

  private static MigrateResult migrate(DataSource dataSource, String schema) {
    return Flyway.configure()
        .dataSource(dataSource)
        .schemas(SqlIdentifiers.requirePlain(schema))
        .defaultSchema(schema)
        .createSchemas(false)
        .table(HISTORY_TABLE)
        .locations(LOCATION)
        .failOnMissingLocations(true)
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load()
        .migrate();
  }
}
