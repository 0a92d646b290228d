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
 * from hammering it and makes leadership visible. Other work that must run on one instance at a
 * time (publishing's chain workers) takes a lock of its own with {@link #named}.
 */
public final class LeaderLock implements AutoCloseable {

  /** Bounds how long a leader that lost its database keeps believing it leads. */
  private static final int VALIDITY_TIMEOUT_SECONDS = 2;

  private final ConnectionFactory connections;
  private final long key;
  private Connection connection;
  private boolean held;

  @FunctionalInterface
  public interface ConnectionFactory {
    Connection open() throws SQLException;
  }

  LeaderLock(ConnectionFactory connections, String slotName) {
    this(connections, lockKey(slotName));
  }

  private LeaderLock(ConnectionFactory connections, long key) {
    this.connections = connections;
    this.key = key;
  }

  /**
   * A lock for any work one instance at a time should do, by a name unique in the database
   * (e.g. {@code publishing.chain-workers}); {@code connections} opens the connection it holds.
   */
  public static LeaderLock named(ConnectionFactory connections, String name) {
    return new LeaderLock(connections, lockKey("emprops-leader:" + name, ""));
  }

  /** Takes the lock if nobody holds it; true if this instance now leads (or already did). */
  public boolean tryAcquire() throws SQLException {
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
  public boolean stillHeld() {
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
  public void release() {
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
    return lockKey("emprops-outbox-relay:", slotName);
  }

  private static long lockKey(String prefix, String name) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((prefix + name).getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(digest).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }
}
