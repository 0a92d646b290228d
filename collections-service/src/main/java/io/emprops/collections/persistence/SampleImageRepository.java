package io.emprops.collections.persistence;

import io.emprops.collections.domain.SampleImage;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The read model of generated images, fed by the storage service's AssetStored and AssetDeleted events. */
@Repository
public class SampleImageRepository {

  private static final RowMapper<SampleImage> IMAGE = (rs, n) -> new SampleImage(
      rs.getObject("asset_id", UUID.class), rs.getObject("collection_id", UUID.class), rs.getString("url"),
      rs.getString("alt_text"), JsonColumns.instant(rs, "created_at"));

  private final JdbcClient jdbc;

  public SampleImageRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** @return false when the asset was recorded already (a redelivered event) */
  public boolean record(UUID assetId, UUID collectionId, String url, String altText, Instant createdAt) {
    return jdbc.sql("""
            INSERT INTO sample_images (asset_id, collection_id, url, alt_text, created_at)
            VALUES (:asset, :collection, :url, :alt, :createdAt) ON CONFLICT (asset_id) DO NOTHING""")
        .param("asset", assetId).param("collection", collectionId).param("url", url).param("alt", altText)
        .param("createdAt", JsonColumns.timestamp(createdAt))
        .update() == 1;
  }

  /** @return false when no such image was recorded */
  public boolean forget(UUID assetId) {
    return jdbc.sql("DELETE FROM sample_images WHERE asset_id = :asset").param("asset", assetId).update() == 1;
  }

  /** Newest first. */
  public List<SampleImage> of(UUID collectionId, int limit) {
    return jdbc.sql("""
            SELECT * FROM sample_images WHERE collection_id = :collection
            ORDER BY created_at DESC, asset_id LIMIT :limit""")
        .param("collection", collectionId).param("limit", limit).query(IMAGE).list();
  }

  /** The newest {@code perCollection} images of each collection, in one query. */
  public Map<UUID, List<SampleImage>> newestOf(List<UUID> collectionIds, int perCollection) {
    if (collectionIds.isEmpty()) {
      return Map.of();
    }
    return jdbc.sql("""
            SELECT * FROM (
                SELECT i.*, row_number() OVER (PARTITION BY collection_id ORDER BY created_at DESC, asset_id) AS rank
                FROM sample_images i WHERE collection_id IN (:collections)) ranked
            WHERE rank <= :limit ORDER BY collection_id, rank""")
        .param("collections", collectionIds).param("limit", perCollection)
        .query(IMAGE).list().stream()
        .collect(Collectors.groupingBy(SampleImage::collectionId, LinkedHashMap::new, Collectors.toList()));
  }
}
