package io.emprops.events.relay;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Leadership among the instances of one service: a session-level Postgres advisory lock, held on
 * a connection of its own for as long as the instance leads. If the leader dies, its connection
 * closes and Postgres releases the lock, so a standby's next attempt succeeds.
 *
 * <p>The replication slot itself also admits only one reader at a time; the lock keeps standbys
 * from hammering it and makes leadership visible.
 */
final class LeaderLock implements AutoCloseable {

  /** Bounds how long a leader that lost its database keeps believing it leads. */
  private static final int VALIDITY_TIMEOUT_SECONDS = 2;

  private final ConnectionFactory connections;
  private final long key;
  private Connection connection;
  private boolean held;

  @FunctionalInterface
  interface ConnectionFactory {
    Connection open() throws SQLException;
  }

  LeaderLock(ConnectionFactory connections, String slotName) {
    this.connections = connections;
    this.key = lockKey(slotName);
  }

  /** Takes the lock if nobody holds it; true if this instance now leads (or already did). */
  boolean tryAcquire() throws SQLException {
    if (held) {
      return true;
    }
    if (connection == null || connection.isClosed()) {
      connection = connections.open();
      connection.setAutoCommit(true);
    }
    try (PreparedStatement statement = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
      statement.setLong(1, key);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        held = rows.getBoolean(1);
      }
    } catch (SQLException e) {
      release();
      throw e;
    }
    return held;
  }

  /** Whether the lock is still ours: its session is alive (a session lock is only lost with it). */
  boolean stillHeld() {
    try {
      return held && connection.isValid(VALIDITY_TIMEOUT_SECONDS);
    } catch (SQLException e) {
      return false;
    }
  }

  /** The lock's connection, for the leader's own monitoring queries. */
  Connection connection() {
    return connection;
  }

  /** Gives up leadership (closing the session releases the lock even if the unlock is lost). */
  void release() {
    held = false;
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // The server releases the lock with the session either way.
      }
      connection = null;
    }
  }

  @Override
  public void close() {
    release();
  }

  /** A stable 64-bit key per slot, so the lock cannot collide with another service's. */
  static long lockKey(String slotName) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(("emprops-outbox-relay:" + slotName).getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(digest).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }
}
