package io.emprops.generator.persistence;

import io.emprops.generator.domain.workflow.Workflow;
import io.emprops.generator.domain.workflow.WorkflowType;
import java.sql.Array;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

@Repository
public class WorkflowRepository {

  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final RowMapper<Workflow> mapper;

  public WorkflowRepository(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
    this.mapper = (rs, n) -> new Workflow(
        rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("description"),
        WorkflowType.fromWire(rs.getString("type")).orElseThrow(), json.readTree(rs.getString("data")),
        rs.getString("service_required"), rs.getLong("credits_cost"), uuids(rs.getArray("models")),
        rs.getBoolean("enabled"), rs.getLong("version"), rs.getTimestamp("created_at").toInstant(),
        rs.getTimestamp("updated_at").toInstant());
  }

  public List<Workflow> list(boolean includeDisabled) {
    return jdbc.sql("SELECT * FROM workflows WHERE enabled OR :all ORDER BY name")
        .param("all", includeDisabled).query(mapper).list();
  }

  public Optional<Workflow> find(UUID id) {
    return jdbc.sql("SELECT * FROM workflows WHERE id = :id").param("id", id).query(mapper).optional();
  }

  /**
   * The workflow named {@code name}. Inside a transaction it is read once: laying out a job's
   * steps, seeding them and rendering their payloads all look it up, and the transaction then
   * works from one version of it (the workflows this transaction writes are read again).
   */
  public Optional<Workflow> findByName(String name) {
    Map<String, Optional<Workflow>> read = readInThisTransaction();
    return read == null ? readByName(name) : read.computeIfAbsent(name, this::readByName);
  }

  private Optional<Workflow> readByName(String name) {
    return jdbc.sql("SELECT * FROM workflows WHERE name = :name").param("name", name).query(mapper).optional();
  }

  private static final Object READ_BY_NAME = new Object();

  /** The workflows this transaction has read by name; null outside a transaction. */
  @SuppressWarnings("unchecked")
  private static Map<String, Optional<Workflow>> readInThisTransaction() {
    if (!TransactionSynchronizationManager.isSynchronizationActive()) {
      return null;
    }
    var read = (Map<String, Optional<Workflow>>) TransactionSynchronizationManager.getResource(READ_BY_NAME);
    if (read == null) {
      Map<String, Optional<Workflow>> fresh = new HashMap<>();
      TransactionSynchronizationManager.bindResource(READ_BY_NAME, fresh);
      TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
        @Override
        public void afterCompletion(int status) {
          TransactionSynchronizationManager.unbindResourceIfPossible(READ_BY_NAME);
        }
      });
      return fresh;
    }
    return read;
  }

  @SuppressWarnings("unchecked")
  private static void forgetReadInThisTransaction() {
    var read = (Map<String, Optional<Workflow>>) TransactionSynchronizationManager.getResource(READ_BY_NAME);
    if (read != null) {
      read.clear();
    }
  }

  /** @return false when the name is taken */
  public boolean insert(Workflow w) {
    forgetReadInThisTransaction();
    return jdbc.sql("""
            INSERT INTO workflows (id, name, description, type, data, service_required, credits_cost, models, enabled)
            VALUES (:id, :name, :description, :type, :data::jsonb, :service, :cost, :models::uuid[], :enabled)
            ON CONFLICT (name) DO NOTHING""")
        .param("id", w.id()).param("name", w.name()).param("description", w.description())
        .param("type", w.type().wireName()).param("data", json.writeValueAsString(w.data()))
        .param("service", w.serviceRequired()).param("cost", w.creditsCost())
        .param("models", uuidArray(w.models())).param("enabled", w.enabled())
        .update() == 1;
  }

  /** Optimistic: only when the row is still at {@code expectedVersion}. @return false otherwise */
  public boolean update(Workflow w, long expectedVersion) {
    forgetReadInThisTransaction();
    return jdbc.sql("""
            UPDATE workflows SET name = :name, description = :description, type = :type, data = :data::jsonb,
                   service_required = :service, credits_cost = :cost, models = :models::uuid[], enabled = :enabled,
                   version = version + 1, updated_at = now()
            WHERE id = :id AND version = :version""")
        .param("id", w.id()).param("name", w.name()).param("description", w.description())
        .param("type", w.type().wireName()).param("data", json.writeValueAsString(w.data()))
        .param("service", w.serviceRequired()).param("cost", w.creditsCost())
        .param("models", uuidArray(w.models())).param("enabled", w.enabled()).param("version", expectedVersion)
        .update() == 1;
  }

  static String uuidArray(List<UUID> ids) {
    return "{" + String.join(",", ids.stream().map(UUID::toString).toList()) + "}";
  }

  static List<UUID> uuids(Array array) throws SQLException {
    return array == null ? List.of() : Arrays.stream((Object[]) array.getArray()).map(o -> (UUID) o).toList();
  }
}
