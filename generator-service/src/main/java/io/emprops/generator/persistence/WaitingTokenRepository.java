package io.emprops.generator.persistence;

import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Minted tokens waiting for their collection to reach the generator's read model. */
@Repository
public class WaitingTokenRepository {

  /** A token waiting for its collection. */
  public record WaitingToken(UUID jobId, String userId, UUID collectionId, long tokenId, String hash) {}

  private final JdbcClient jdbc;

  public WaitingTokenRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Serialises, until the transaction ends, whoever starts or parks tokens of the collection with
   * whoever makes the collection known: a token is never parked after its collection's arrival
   * looked for the waiting ones. The collection view is read after taking it.
   */
  public void lockCollection(UUID collectionId) {
    jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended('waiting-tokens:' || CAST(:id AS text), 0))")
        .param("id", collectionId).query((rs, n) -> 1).list();
  }

  /** Parks the token (once: a redelivery changes nothing). */
  public void park(WaitingToken token) {
    jdbc.sql("""
            INSERT INTO waiting_tokens (job_id, user_id, collection_id, token_id, token_hash)
            VALUES (:job, :user, :collection, :token, :hash)
            ON CONFLICT (job_id) DO NOTHING""")
        .param("job", token.jobId()).param("user", token.userId()).param("collection", token.collectionId())
        .param("token", token.tokenId()).param("hash", token.hash())
        .update();
  }

  /** Removes and returns the tokens waiting for the collection, in mint order. */
  public List<WaitingToken> take(UUID collectionId) {
    return jdbc.sql("""
            DELETE FROM waiting_tokens WHERE collection_id = :collection
            RETURNING job_id, user_id, collection_id, token_id, token_hash""")
        .param("collection", collectionId)
        .query((rs, n) -> new WaitingToken(rs.getObject("job_id", UUID.class), rs.getString("user_id"),
            rs.getObject("collection_id", UUID.class), rs.getLong("token_id"), rs.getString("token_hash")))
        .list().stream().sorted(java.util.Comparator.comparingLong(WaitingToken::tokenId)).toList();
  }

  public boolean isWaiting(UUID jobId) {
    return jdbc.sql("SELECT count(*) FROM waiting_tokens WHERE job_id = :job").param("job", jobId)
        .query(Long.class).single() > 0;
  }
}
