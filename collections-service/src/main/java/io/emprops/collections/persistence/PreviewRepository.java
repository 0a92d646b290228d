package io.emprops.collections.persistence;

import io.emprops.collections.domain.PreviewSettings;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class PreviewRepository {

  private final JdbcClient jdbc;

  public PreviewRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** A collection without a row is hidden. */
  public PreviewSettings of(UUID collectionId) {
    return jdbc.sql("SELECT enabled, is_remixable FROM previews WHERE collection_id = :collection")
        .param("collection", collectionId)
        .query((rs, n) -> new PreviewSettings(rs.getBoolean("enabled"), rs.getBoolean("is_remixable")))
        .optional().orElse(PreviewSettings.HIDDEN);
  }

  public Map<UUID, PreviewSettings> of(List<UUID> collectionIds) {
    if (collectionIds.isEmpty()) {
      return Map.of();
    }
    return jdbc.sql("SELECT * FROM previews WHERE collection_id IN (:collections)")
        .param("collections", collectionIds)
        .query((rs, n) -> Map.entry(rs.getObject("collection_id", UUID.class),
            new PreviewSettings(rs.getBoolean("enabled"), rs.getBoolean("is_remixable"))))
        .list().stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  public void save(UUID collectionId, PreviewSettings settings) {
    jdbc.sql("""
            INSERT INTO previews (collection_id, enabled, is_remixable) VALUES (:collection, :enabled, :remixable)
            ON CONFLICT (collection_id) DO UPDATE
            SET enabled = EXCLUDED.enabled, is_remixable = EXCLUDED.is_remixable, updated_at = now()""")
        .param("collection", collectionId).param("enabled", settings.enabled())
        .param("remixable", settings.isRemixable())
        .update();
  }
}
