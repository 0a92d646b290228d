package io.emprops.storage.persistence;

import io.emprops.storage.domain.asset.Asset;
import io.emprops.storage.domain.asset.AssetFilter;
import io.emprops.storage.domain.asset.AssetRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class JdbcAssetRepository implements AssetRepository {

  private static final RowMapper<Asset> ASSET = JdbcAssetRepository::asset;

  /** Optional filters as SQL: a null parameter matches every row. */
  private static final String FILTERS = """
      user_id = :user AND deleted_at IS NULL
      AND (CAST(:collection AS uuid) IS NULL OR collection_id = :collection)
      AND (CAST(:job AS uuid) IS NULL OR job_id = :job)""";

  private final JdbcClient jdbc;

  JdbcAssetRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public Optional<Asset> findLive(UUID id) {
    return jdbc.sql("SELECT * FROM assets WHERE id = :id AND deleted_at IS NULL")
        .param("id", id).query(ASSET).optional();
  }

  @Override
  public Optional<Asset> findLiveUpload(String userId, String sha256) {
    return jdbc.sql("""
            SELECT * FROM assets WHERE user_id = :user AND sha256 = :sha256 AND job_id IS NULL AND deleted_at IS NULL""")
        .param("user", userId).param("sha256", sha256).query(ASSET).optional();
  }

  @Override
  public boolean generationOutputExists(UUID jobId, int generation, int stepId, int outputIndex) {
    return jdbc.sql("""
            SELECT EXISTS (SELECT 1 FROM assets WHERE job_id = :job AND generation = :generation AND step_id = :step
                                                  AND output_index = :index)""")
        .param("job", jobId).param("generation", generation).param("step", stepId).param("index", outputIndex)
        .query(Boolean.class).single();
  }

  @Override
  public void lockGenerationOutput(UUID jobId, int generation, int stepId, int outputIndex) {
    jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended(:identity, 0))")
        .param("identity", "asset-of-output:" + jobId + ":" + generation + ":" + stepId + ":" + outputIndex)
        .query((rs, n) -> null).list();
  }

  @Override
  public boolean insert(Asset asset) {
    return jdbc.sql("""
            INSERT INTO assets (id, user_id, collection_id, job_id, generation, step_id, output_index, object_key,
                                file_name, mime_type, size_bytes, sha256, created_at)
            VALUES (:id, :user, :collection, :job, :generation, :step, :outputIndex, :key, :fileName, :mimeType,
                    :size, :sha256, :createdAt)
            ON CONFLICT DO NOTHING""")
        .param("id", asset.id())
        .param("user", asset.userId())
        .param("collection", asset.collectionId())
        .param("job", asset.jobId())
        .param("generation", asset.generation())
        .param("step", asset.stepId())
        .param("outputIndex", asset.outputIndex())
        .param("key", asset.objectKey())
        .param("fileName", asset.fileName())
        .param("mimeType", asset.mimeType())
        .param("size", asset.size())
        .param("sha256", asset.sha256())
        .param("createdAt", Timestamp.from(asset.createdAt()))
        .update() == 1;
  }

  @Override
  public List<Asset> page(String userId, AssetFilter filter, long offset, int limit) {
    return jdbc.sql("SELECT * FROM assets WHERE " + FILTERS + " ORDER BY created_at DESC, id OFFSET :offset LIMIT :limit")
        .param("user", userId)
        .param("collection", filter.collectionId())
        .param("job", filter.jobId())
        .param("offset", offset)
        .param("limit", limit)
        .query(ASSET).list();
  }

  @Override
  public long count(String userId, AssetFilter filter) {
    return jdbc.sql("SELECT count(*) FROM assets WHERE " + FILTERS)
        .param("user", userId)
        .param("collection", filter.collectionId())
        .param("job", filter.jobId())
        .query(Long.class).single();
  }

  @Override
  public Optional<Asset> markDeleted(UUID id, String userId, Instant at) {
    return jdbc.sql("""
            UPDATE assets SET deleted_at = :at WHERE id = :id AND user_id = :user AND deleted_at IS NULL RETURNING *""")
        .param("at", Timestamp.from(at)).param("id", id).param("user", userId)
        .query(ASSET).optional();
  }

  private static Asset asset(ResultSet rs, int row) throws SQLException {
    return new Asset(
        rs.getObject("id", UUID.class),
        rs.getString("user_id"),
        rs.getObject("collection_id", UUID.class),
        rs.getObject("job_id", UUID.class),
        (Integer) rs.getObject("generation"),
        (Integer) rs.getObject("step_id"),
        (Integer) rs.getObject("output_index"),
        rs.getString("object_key"),
        rs.getString("file_name"),
        rs.getString("mime_type"),
        rs.getLong("size_bytes"),
        rs.getString("sha256"),
        rs.getTimestamp("created_at").toInstant());
  }
}
