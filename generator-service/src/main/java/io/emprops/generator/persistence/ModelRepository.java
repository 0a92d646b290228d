package io.emprops.generator.persistence;

import io.emprops.generator.domain.model.Model;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class ModelRepository {

  private static final RowMapper<Model> MODEL = (rs, n) -> new Model(
      rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("description"),
      rs.getString("source_url"), rs.getBoolean("gated"), rs.getBytes("credential_ciphertext") != null,
      rs.getBoolean("enabled"), rs.getLong("version"), rs.getTimestamp("created_at").toInstant(),
      rs.getTimestamp("updated_at").toInstant());

  private final JdbcClient jdbc;

  public ModelRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public List<Model> list() {
    return jdbc.sql("SELECT * FROM models ORDER BY name").query(MODEL).list();
  }

  public List<Model> findByNames(Collection<String> names) {
    if (names.isEmpty()) {
      return List.of();
    }
    return jdbc.sql("SELECT * FROM models WHERE name IN (:names) ORDER BY name").param("names", names).query(MODEL).list();
  }

  public List<Model> findByIds(Collection<UUID> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    return jdbc.sql("SELECT * FROM models WHERE id IN (:ids) ORDER BY name").param("ids", ids).query(MODEL).list();
  }

  public Optional<Model> find(UUID id) {
    return jdbc.sql("SELECT * FROM models WHERE id = :id").param("id", id).query(MODEL).optional();
  }

  public Optional<Model> findByName(String name) {
    return jdbc.sql("SELECT * FROM models WHERE name = :name").param("name", name).query(MODEL).optional();
  }

  public Optional<byte[]> credential(UUID id) {
    return jdbc.sql("SELECT credential_ciphertext FROM models WHERE id = :id AND credential_ciphertext IS NOT NULL")
        .param("id", id).query((rs, n) -> rs.getBytes(1)).optional();
  }

  /** @return false when the name is taken */
  public boolean insert(Model m, byte[] credential) {
    return jdbc.sql("""
            INSERT INTO models (id, name, description, source_url, gated, credential_ciphertext, enabled)
            VALUES (:id, :name, :description, :source, :gated, :credential, :enabled) ON CONFLICT (name) DO NOTHING""")
        .param("id", m.id()).param("name", m.name()).param("description", m.description())
        .param("source", m.sourceUrl()).param("gated", m.gated()).param("credential", credential)
        .param("enabled", m.enabled())
        .update() == 1;
  }

  /**
   * Optimistic update. {@code credential}: null keeps the stored one, an empty array removes it.
   *
   * @return false when the row moved past {@code expectedVersion}
   */
  public boolean update(Model m, byte[] credential, long expectedVersion) {
    return jdbc.sql("""
            UPDATE models SET name = :name, description = :description, source_url = :source, gated = :gated,
                   credential_ciphertext = CASE WHEN :keep THEN credential_ciphertext
                                                WHEN :remove THEN NULL ELSE :credential END,
                   enabled = :enabled, version = version + 1, updated_at = now()
            WHERE id = :id AND version = :version""")
        .param("id", m.id()).param("name", m.name()).param("description", m.description())
        .param("source", m.sourceUrl()).param("gated", m.gated())
        .param("keep", credential == null).param("remove", credential != null && credential.length == 0)
        .param("credential", credential == null || credential.length == 0 ? null : credential)
        .param("enabled", m.enabled()).param("version", expectedVersion)
        .update() == 1;
  }
}
