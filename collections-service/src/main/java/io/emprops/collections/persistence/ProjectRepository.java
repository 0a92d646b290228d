package io.emprops.collections.persistence;

import io.emprops.collections.domain.Project;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class ProjectRepository {

  private static final RowMapper<Project> PROJECT = (rs, n) -> new Project(
      rs.getObject("id", UUID.class), rs.getString("user_id"), rs.getString("name"),
      rs.getBoolean("is_default"), rs.getLong("version"),
      JsonColumns.instant(rs, "created_at"), JsonColumns.instant(rs, "updated_at"));

  private final JdbcClient jdbc;

  public ProjectRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public Project create(String userId, String name) {
    return jdbc.sql("INSERT INTO projects (id, user_id, name) VALUES (:id, :user, :name) RETURNING *")
        .param("id", UUID.randomUUID()).param("user", userId).param("name", name)
        .query(PROJECT).single();
  }

  /**
   * Creates the user's default project unless it exists. Racing callers serialise on the unique
   * index: the loser waits for the winner's commit and creates nothing.
   *
   * @return true when this call created it
   */
  public boolean createDefaultIfAbsent(String userId, String name) {
    return jdbc.sql("""
            INSERT INTO projects (id, user_id, name, is_default) VALUES (:id, :user, :name, true)
            ON CONFLICT (user_id) WHERE is_default DO NOTHING""")
        .param("id", UUID.randomUUID()).param("user", userId).param("name", name)
        .update() == 1;
  }

  public Optional<Project> findDefault(String userId) {
    return jdbc.sql("SELECT * FROM projects WHERE user_id = :user AND is_default")
        .param("user", userId).query(PROJECT).optional();
  }

  public Optional<Project> find(UUID id) {
    return jdbc.sql("SELECT * FROM projects WHERE id = :id").param("id", id).query(PROJECT).optional();
  }

  /** The row, locked until the transaction ends: changes to a project's collections serialise on it. */
  public Optional<Project> lock(UUID id) {
    return jdbc.sql("SELECT * FROM projects WHERE id = :id FOR UPDATE").param("id", id).query(PROJECT).optional();
  }

  public Map<UUID, String> namesOf(List<UUID> ids) {
    if (ids.isEmpty()) {
      return Map.of();
    }
    return jdbc.sql("SELECT id, name FROM projects WHERE id IN (:ids)").param("ids", ids)
        .query((rs, n) -> Map.entry(rs.getObject("id", UUID.class), rs.getString("name")))
        .list().stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  /** Newest first; ties broken by id so that pages never overlap. */
  public List<Project> pageOf(String userId, int offset, int limit) {
    return jdbc.sql("""
            SELECT * FROM projects WHERE user_id = :user
            ORDER BY created_at DESC, id DESC OFFSET :offset LIMIT :limit""")
        .param("user", userId).param("offset", offset).param("limit", limit)
        .query(PROJECT).list();
  }

  public long countOf(String userId) {
    return jdbc.sql("SELECT count(*) FROM projects WHERE user_id = :user")
        .param("user", userId).query(Long.class).single();
  }

  /** @return the renamed project; empty when its version is no longer {@code expectedVersion} */
  public Optional<Project> rename(UUID id, String name, long expectedVersion) {
    return jdbc.sql("""
            UPDATE projects SET name = :name, version = version + 1, updated_at = now()
            WHERE id = :id AND version = :version RETURNING *""")
        .param("id", id).param("name", name).param("version", expectedVersion)
        .query(PROJECT).optional();
  }

  /** Deletes the project and, by cascade, its collections and everything they hold. */
  public void delete(UUID id) {
    jdbc.sql("DELETE FROM projects WHERE id = :id").param("id", id).update();
  }

  /**
   * Moves every project of {@code fromUser} to {@code toUser}. They arrive as ordinary projects:
   * the receiving user keeps their own default project.
   */
  public int transferAll(String fromUser, String toUser) {
    return jdbc.sql("""
            UPDATE projects SET user_id = :to, is_default = false, version = version + 1, updated_at = now()
            WHERE user_id = :from""")
        .param("from", fromUser).param("to", toUser).update();
  }
}
