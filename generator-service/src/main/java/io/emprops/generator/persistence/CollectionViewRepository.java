package io.emprops.generator.persistence;

import io.emprops.events.contract.CollectionSnapshot;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The generator's read model of collections, written only from collections-service's events
 * ({@code CollectionCreated}, {@code CollectionUpdated}, {@code CollectionArchived}, handled by
 * {@code messaging.CollectionReadModel}); nothing else writes it, not even
 * {@code POST /api/collections/generate}, whose job waits for the collection's
 * {@code CollectionCreated} instead.
 */
@Repository
public class CollectionViewRepository {

  /** A collection as the generator needs it. */
  public record CollectionView(UUID collectionId, String userId, long revision, String status, boolean archived,
      JsonNode data, boolean previewEnabled, boolean isRemixable) {}

  private final JdbcClient jdbc;
  private final JsonMapper json;

  public CollectionViewRepository(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** Stores the snapshot unless a newer revision is stored already. @return whether it was stored */
  public boolean apply(CollectionSnapshot s) {
    return jdbc.sql("""
            INSERT INTO collection_views (collection_id, project_id, user_id, revision, title, status, archived, data,
                                          preview_enabled, is_remixable, updated_at)
            VALUES (:id, :project, :user, :revision, :title, :status, :archived, :data::jsonb, :preview, :remixable, :updated)
            ON CONFLICT (collection_id) DO UPDATE SET
              project_id = EXCLUDED.project_id, user_id = EXCLUDED.user_id, revision = EXCLUDED.revision,
              title = EXCLUDED.title, status = EXCLUDED.status, archived = EXCLUDED.archived, data = EXCLUDED.data,
              preview_enabled = EXCLUDED.preview_enabled, is_remixable = EXCLUDED.is_remixable,
              updated_at = EXCLUDED.updated_at
            WHERE collection_views.revision < EXCLUDED.revision""")
        .param("id", s.collectionId()).param("project", s.projectId()).param("user", s.userId())
        .param("revision", s.revision()).param("title", s.title() == null ? "" : s.title())
        .param("status", s.status() == null ? "unknown" : s.status().name().toLowerCase())
        .param("archived", s.archived()).param("data", json.writeValueAsString(s.data()))
        .param("preview", s.previewEnabled()).param("remixable", s.isRemixable())
        .param("updated", java.sql.Timestamp.from(s.updatedAt()))
        .update() == 1;
  }

  /**
   * Marks the collection archived at {@code revision}, unless a newer snapshot is stored. Seen
   * before the collection itself, it leaves a tombstone, so a late older snapshot cannot revive it.
   */
  public boolean archive(UUID collectionId, UUID projectId, String userId, long revision) {
    return jdbc.sql("""
            INSERT INTO collection_views (collection_id, project_id, user_id, revision, title, status, archived, data,
                                          preview_enabled, is_remixable, updated_at)
            VALUES (:id, :project, :user, :revision, '', 'unknown', true, '{}'::jsonb, false, false, now())
            ON CONFLICT (collection_id) DO UPDATE SET archived = true, revision = EXCLUDED.revision, updated_at = now()
            WHERE collection_views.revision < EXCLUDED.revision""")
        .param("id", collectionId).param("project", projectId).param("user", userId).param("revision", revision)
        .update() == 1;
  }

  public Optional<CollectionView> find(UUID collectionId) {
    return jdbc.sql("SELECT * FROM collection_views WHERE collection_id = :id")
        .param("id", collectionId)
        .query((rs, n) -> new CollectionView(rs.getObject("collection_id", UUID.class), rs.getString("user_id"),
            rs.getLong("revision"), rs.getString("status"), rs.getBoolean("archived"),
            json.readTree(rs.getString("data")), rs.getBoolean("preview_enabled"), rs.getBoolean("is_remixable")))
        .optional();
  }
}
