package io.emprops.publishing.persistence;

import io.emprops.publishing.domain.token.Token;
import io.emprops.publishing.domain.token.TokenStatus;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Token rows as the generation of each token changes them (the chain follower inserts them). Each
 * change is a conditional UPDATE by job id (unique) that only moves a token forward:
 * minted → generating → ready | failed.
 */
@Repository
public class TokenRepository {

  private static final String UNFINISHED = "status IN ('minted', 'generating')";

  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final RowMapper<Token> mapper;

  public TokenRepository(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
    this.mapper = this::map;
  }

  public Optional<Token> find(UUID collectionId, long tokenId) {
    return jdbc.sql("SELECT * FROM tokens WHERE collection_id = :collection AND token_id = :token")
        .param("collection", collectionId).param("token", tokenId).query(mapper).optional();
  }

  /** By token id (the primary key's order). */
  public List<Token> page(UUID collectionId, long offset, int limit) {
    return jdbc.sql("""
            SELECT * FROM tokens WHERE collection_id = :collection ORDER BY token_id
            OFFSET :offset LIMIT :limit""")
        .param("collection", collectionId).param("offset", offset).param("limit", limit).query(mapper).list();
  }

  public long count(UUID collectionId) {
    return jdbc.sql("SELECT count(*) FROM tokens WHERE collection_id = :collection")
        .param("collection", collectionId).query(Long.class).single();
  }

  /** @return whether a minted token started generating */
  public boolean generating(UUID jobId) {
    return jdbc.sql("UPDATE tokens SET status = 'generating', updated_at = now() WHERE job_id = :job AND status = 'minted'")
        .param("job", jobId).update() == 1;
  }

  /**
   * Keeps the first hash and variables reported (of any status: a late step event still completes
   * what the token shows), and a minted token is generating.
   */
  public void generationInput(UUID jobId, String hash, JsonNode variables) {
    jdbc.sql("""
            UPDATE tokens SET generation_hash = coalesce(generation_hash, CAST(:hash AS text)),
                attributes = coalesce(attributes, CAST(:variables AS jsonb)),
                status = CASE WHEN status = 'minted' THEN 'generating' ELSE status END, updated_at = now()
            WHERE job_id = :job
              AND (status = 'minted' OR (generation_hash IS NULL AND CAST(:hash AS text) IS NOT NULL)
                   OR (attributes IS NULL AND CAST(:variables AS jsonb) IS NOT NULL))""")
        .param("job", jobId).param("hash", hash)
        .param("variables", variables == null ? null : json.writeValueAsString(variables))
        .update();
  }

  /** @return the token, when this call made it ready (once: ready and failed are final) */
  public Optional<Token> ready(UUID jobId, UUID assetId, String imageUrl, Instant readyAt) {
    return jdbc.sql("""
            UPDATE tokens SET status = 'ready', asset_id = :asset, image_url = :image, ready_at = :readyAt,
                error = NULL, failure_code = NULL, updated_at = now()
            WHERE job_id = :job AND""" + " " + UNFINISHED + " RETURNING *")
        .param("job", jobId).param("asset", assetId).param("image", imageUrl)
        .param("readyAt", Timestamp.from(readyAt))
        .query(mapper).optional();
  }

  /**
   * @param retryJobId the job a retry of this generation will run as
   * @return whether an unfinished token failed
   */
  public boolean failed(UUID jobId, String code, String error, UUID retryJobId) {
    return jdbc.sql("UPDATE tokens SET status = 'failed', failure_code = :code, error = :error, retry_job_id = :retry,"
            + " updated_at = now() WHERE job_id = :job AND " + UNFINISHED)
        .param("job", jobId).param("code", code).param("error", error).param("retry", retryJobId).update() == 1;
  }

  /**
   * A failed token follows the retry of its generation once the retry reports: the retry's job
   * becomes the token's, which is generating again (the old job's late events then match nothing).
   *
   * @return whether {@code jobId} was a failed token's retry
   */
  public boolean followRetry(UUID jobId) {
    return jdbc.sql("""
            UPDATE tokens SET job_id = retry_job_id, retry_job_id = NULL, status = 'generating',
                failure_code = NULL, error = NULL, updated_at = now()
            WHERE retry_job_id = :job AND status = 'failed'""")
        .param("job", jobId).update() == 1;
  }

  private Token map(ResultSet rs, int row) throws SQLException {
    String attributes = rs.getString("attributes");
    return new Token(
        rs.getObject("collection_id", UUID.class),
        rs.getLong("token_id"),
        rs.getString("user_id"),
        rs.getLong("chain_id"),
        rs.getString("contract_address"),
        rs.getString("owner"),
        rs.getString("hash"),
        rs.getString("tx_hash"),
        rs.getLong("block_number"),
        instant(rs, "minted_at"),
        rs.getObject("job_id", UUID.class),
        TokenStatus.fromWire(rs.getString("status")),
        rs.getObject("asset_id", UUID.class),
        rs.getString("image_url"),
        attributes == null ? null : json.readTree(attributes),
        rs.getString("generation_hash"),
        rs.getString("failure_code"),
        rs.getString("error"),
        instant(rs, "ready_at"));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp value = rs.getTimestamp(column);
    return value == null ? null : value.toInstant();
  }
}
