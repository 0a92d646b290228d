package io.emprops.webhooks.persistence;

import io.emprops.webhooks.domain.endpoint.Endpoint;
import io.emprops.webhooks.domain.endpoint.EndpointRepository;
import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Event types are stored as {@code text[]}; they never contain commas (only known names and wildcards). */
@Repository
class JdbcEndpointRepository implements EndpointRepository {

  private static final String COLUMNS = """
      id, user_id, url, description, array_to_string(event_types, ',') AS event_types, enabled, disabled_reason,
      disabled_at, failing_since, created_at, updated_at""";

  private final JdbcClient jdbc;

  JdbcEndpointRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void insert(Endpoint e) {
    jdbc.sql("""
            INSERT INTO endpoints (id, user_id, url, description, event_types, enabled, disabled_reason, disabled_at,
                                   failing_since, created_at, updated_at)
            VALUES (:id, :user, :url, :description, string_to_array(:types, ','), :enabled, :reason, :disabledAt,
                    NULL, :created, :updated)""")
        .param("id", e.id()).param("user", e.userId()).param("url", e.url().toString())
        .param("description", e.description()).param("types", String.join(",", e.eventTypes()))
        .param("enabled", e.enabled()).param("reason", e.disabledReason()).param("disabledAt", ts(e.disabledAt()))
        .param("created", ts(e.createdAt())).param("updated", ts(e.updatedAt()))
        .update();
  }

  @Override
  public Optional<Endpoint> find(UUID id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM endpoints WHERE id = :id").param("id", id).query(this::endpoint)
        .optional();
  }

  @Override
  public Optional<Endpoint> lock(UUID id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM endpoints WHERE id = :id FOR UPDATE").param("id", id)
        .query(this::endpoint).optional();
  }

  @Override
  public List<Endpoint> page(String userId, int offset, int limit) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM endpoints WHERE user_id = :user ORDER BY created_at, id"
            + " OFFSET :offset LIMIT :limit")
        .param("user", userId).param("offset", offset).param("limit", limit).query(this::endpoint).list();
  }

  @Override
  public long count(String userId) {
    return jdbc.sql("SELECT count(*) FROM endpoints WHERE user_id = :user").param("user", userId)
        .query(Long.class).single();
  }

  @Override
  public void update(Endpoint e) {
    jdbc.sql("""
            UPDATE endpoints SET url = :url, description = :description, event_types = string_to_array(:types, ','),
                   enabled = :enabled, disabled_reason = :reason, disabled_at = :disabledAt,
                   failing_since = :failingSince, updated_at = :updated
            WHERE id = :id""")
        .param("id", e.id()).param("url", e.url().toString()).param("description", e.description())
        .param("types", String.join(",", e.eventTypes())).param("enabled", e.enabled())
        .param("reason", e.disabledReason()).param("disabledAt", ts(e.disabledAt()))
        .param("failingSince", ts(e.failingSince())).param("updated", ts(e.updatedAt()))
        .update();
  }

  @Override
  public void delete(UUID id) {
    jdbc.sql("DELETE FROM endpoints WHERE id = :id").param("id", id).update();
  }

  @Override
  public List<Endpoint> enabledOf(String userId, Instant occurredAt) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM endpoints WHERE user_id = :user AND enabled AND created_at <= :at")
        .param("user", userId).param("at", ts(occurredAt)).query(this::endpoint).list();
  }

  @Override
  public void insertSecret(UUID endpointId, SealedSecret secret) {
    jdbc.sql("INSERT INTO endpoint_secrets (id, endpoint_id, sealed, expires_at) VALUES (:id, :endpoint, :sealed, :expires)")
        .param("id", secret.id()).param("endpoint", endpointId).param("sealed", secret.sealed())
        .param("expires", ts(secret.expiresAt())).update();
  }

  @Override
  public void expireSecrets(UUID endpointId, Instant expiresAt) {
    jdbc.sql("""
            UPDATE endpoint_secrets SET expires_at = LEAST(coalesce(expires_at, :expires), :expires)
            WHERE endpoint_id = :endpoint""")
        .param("endpoint", endpointId).param("expires", ts(expiresAt)).update();
  }

  @Override
  public List<SealedSecret> signingSecrets(UUID endpointId, Instant at) {
    return jdbc.sql("""
            SELECT id, sealed, expires_at FROM endpoint_secrets
            WHERE endpoint_id = :endpoint AND (expires_at IS NULL OR expires_at > :at)
            ORDER BY created_at DESC""")
        .param("endpoint", endpointId).param("at", ts(at))
        .query((rs, n) -> new SealedSecret(rs.getObject("id", UUID.class), rs.getBytes("sealed"),
            instant(rs, "expires_at")))
        .list();
  }

  @Override
  public Optional<Instant> failed(UUID endpointId, Instant at) {
    return jdbc.sql("""
            UPDATE endpoints SET failing_since = coalesce(failing_since, :at) WHERE id = :id AND enabled
            RETURNING failing_since""")
        .param("id", endpointId).param("at", ts(at))
        .query((rs, n) -> rs.getTimestamp(1).toInstant()).optional();
  }

  @Override
  public void succeeded(UUID endpointId) {
    jdbc.sql("UPDATE endpoints SET failing_since = NULL WHERE id = :id AND failing_since IS NOT NULL")
        .param("id", endpointId).update();
  }

  @Override
  public boolean disable(UUID endpointId, String reason, Instant at) {
    return jdbc.sql("""
            UPDATE endpoints SET enabled = false, disabled_reason = :reason, disabled_at = :at, updated_at = :at
            WHERE id = :id AND enabled""")
        .param("id", endpointId).param("reason", reason).param("at", ts(at)).update() == 1;
  }

  @Override
  public int deleteExpiredSecrets(Instant before) {
    return jdbc.sql("DELETE FROM endpoint_secrets WHERE expires_at < :before").param("before", ts(before)).update();
  }

  private Endpoint endpoint(ResultSet rs, int row) throws SQLException {
    String types = rs.getString("event_types");
    return new Endpoint(rs.getObject("id", UUID.class), rs.getString("user_id"), URI.create(rs.getString("url")),
        rs.getString("description"), types == null || types.isEmpty() ? List.of() : Arrays.asList(types.split(",")),
        rs.getBoolean("enabled"), rs.getString("disabled_reason"), instant(rs, "disabled_at"),
        instant(rs, "failing_since"), instant(rs, "created_at"), instant(rs, "updated_at"));
  }

  static Timestamp ts(Instant instant) {
    return instant == null ? null : Timestamp.from(instant);
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }
}
