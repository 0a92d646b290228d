package io.emprops.events.relay;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publication and logical replication slot of one service's relay.
 *
 * <p>Both are created when a service instance starts, before it can write to the outbox, and not
 * by the engine when it first runs: a slot only retains WAL from its creation on, so events
 * committed before it existed would never be relayed.
 */
final class ReplicationSlot {

  private static final Logger log = LoggerFactory.getLogger(ReplicationSlot.class);
  private static final String DUPLICATE_OBJECT = "42710";

  private final String slotName;
  private final String publicationName;
  private final String schema;

  ReplicationSlot(RelaySettings settings) {
    this.slotName = settings.slotName();
    this.publicationName = settings.publicationName();
    this.schema = settings.schema();
  }

  String slotName() {
    return slotName;
  }

  /** Idempotent, and safe when several instances start at once. */
  void ensureExists(Connection connection) throws SQLException {
    connection.setAutoCommit(true);
    if (!exists(connection, "SELECT 1 FROM pg_publication WHERE pubname = ?", publicationName)) {
      // Only inserts into the outbox matter (its deletes are noise); the heartbeat updates its row.
      createIgnoringRace(connection, "CREATE PUBLICATION " + publicationName + " FOR TABLE "
          + schema + ".outbox, " + schema + ".relay_heartbeat WITH (publish = 'insert, update')");
      log.info("created publication {}", publicationName);
    }
    if (!exists(connection, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", slotName)) {
      createIgnoringRace(connection,
          "SELECT pg_create_logical_replication_slot('" + slotName + "', 'pgoutput')");
      log.info("created logical replication slot {}", slotName);
    }
  }

  /** WAL the slot holds back: written by the server but not yet confirmed by the relay. */
  OptionalLong lagBytes(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint"
            + " FROM pg_replication_slots WHERE slot_name = ?")) {
      statement.setString(1, slotName);
      try (ResultSet rows = statement.executeQuery()) {
        if (!rows.next()) {
          return OptionalLong.empty();
        }
        long lag = rows.getLong(1);
        return rows.wasNull() ? OptionalLong.empty() : OptionalLong.of(lag);
      }
    }
  }

  private static boolean exists(Connection connection, String query, String name) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(query)) {
      statement.setString(1, name);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next();
      }
    }
  }

  private static void createIgnoringRace(Connection connection, String ddl) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(ddl);
    } catch (SQLException e) {
      if (!DUPLICATE_OBJECT.equals(e.getSQLState())) {
        throw e;
      }
      // Another instance of the service created it between our check and our create.
    }
  }
}
