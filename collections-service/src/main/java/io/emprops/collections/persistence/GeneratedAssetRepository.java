package io.emprops.collections.persistence;

import io.emprops.collections.domain.GeneratedAsset;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The read model of generation outputs, fed by the storage service's AssetStored and AssetDeleted events. */
@Repository
public class GeneratedAssetRepository {

  private final JdbcClient jdbc;

  public GeneratedAssetRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * @return false when the asset was recorded already (a redelivered event), or its collection is
   *     unknown here (deleted meanwhile)
   */
  public boolean record(GeneratedAsset asset) {
    return jdbc.sql("""
            INSERT INTO generated_assets (asset_id, job_id, generation, step_id, collection_id, user_id, stored_at)
            SELECT :asset, :job, :generation, :step, :collection, :user, :storedAt
            WHERE EXISTS (SELECT 1 FROM collections WHERE id = :collection)
            ON CONFLICT (asset_id) DO NOTHING""")
        .param("asset", asset.assetId()).param("job", asset.jobId()).param("generation", asset.generation())
        .param("step", asset.stepId()).param("collection", asset.collectionId()).param("user", asset.userId())
        .param("storedAt", JsonColumns.timestamp(asset.storedAt()))
        .update() == 1;
  }

  /** @return false when no such asset was recorded */
  public boolean forget(UUID assetId) {
    return jdbc.sql("DELETE FROM generated_assets WHERE asset_id = :asset").param("asset", assetId).update() == 1;
  }

  public Optional<GeneratedAsset> find(UUID assetId) {
    return jdbc.sql("SELECT * FROM generated_assets WHERE asset_id = :asset").param("asset", assetId)
        .query((rs, n) -> new GeneratedAsset(rs.getObject("asset_id", UUID.class), rs.getString("user_id"),
            rs.getObject("collection_id", UUID.class), rs.getObject("job_id", UUID.class), rs.getInt("generation"),
            JsonColumns.nullableInt(rs, "step_id"), JsonColumns.instant(rs, "stored_at")))
        .optional();
  }
}
