package io.emprops.generator.domain.collectiongen;

import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** What each Idempotency-Key of {@code POST /api/collections/generate} produced (table collection_generations). */
@Repository
class CollectionGenerationKeys {

  /** A key's outcome; {@code jobId} is set whenever the row is visible to another transaction. */
  record Outcome(String requestHash, UUID collectionId, UUID jobId) {}

  private final JdbcClient jdbc;

  CollectionGenerationKeys(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  Optional<Outcome> find(String userId, String key) {
    return jdbc.sql("""
            SELECT request_hash, collection_id, job_id FROM collection_generations
            WHERE user_id = :user AND idempotency_key = :key""")
        .param("user", userId).param("key", key)
        .query((rs, n) -> new Outcome(rs.getString("request_hash"), rs.getObject("collection_id", UUID.class),
            rs.getObject("job_id", UUID.class)))
        .optional();
  }

  /**
   * Claims the key for this collection. A concurrent claim of the same key waits here until the
   * other transaction ends, then loses if that one committed.
   *
   * @return whether this transaction holds the key
   */
  boolean claim(String userId, String key, String requestHash, UUID collectionId) {
    return jdbc.sql("""
            INSERT INTO collection_generations (user_id, idempotency_key, request_hash, collection_id)
            VALUES (:user, :key, :hash, :collection)
            ON CONFLICT (user_id, idempotency_key) DO NOTHING""")
        .param("user", userId).param("key", key).param("hash", requestHash).param("collection", collectionId)
        .update() == 1;
  }

  /** Completes a claim, in the transaction that made it. */
  void recordJob(String userId, String key, UUID jobId) {
    jdbc.sql("UPDATE collection_generations SET job_id = :job WHERE user_id = :user AND idempotency_key = :key")
        .param("job", jobId).param("user", userId).param("key", key)
        .update();
  }
}
