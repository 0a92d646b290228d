package io.emprops.generator.persistence;

import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Jobs of {@code POST /api/collections/generate} whose collection has not reached the generator's
 * read model yet (table jobs_awaiting_collection).
 */
@Repository
public class AwaitingCollectionRepository {

  private final JdbcClient jdbc;

  public AwaitingCollectionRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Serialises, until the transaction ends, whoever starts or parks jobs of the collection with
   * whoever makes the collection known (as {@link WaitingTokenRepository#lockCollection} does for
   * tokens). Taken before any job row lock, on both sides.
   */
  public void lockCollection(UUID collectionId) {
    jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended('awaiting-collection:' || CAST(:id AS text), 0))")
        .param("id", collectionId).query((rs, n) -> 1).list();
  }

  /** The job waits for its collection; inserted in the transaction that inserts the job. */
  public void add(UUID jobId, UUID collectionId) {
    jdbc.sql("INSERT INTO jobs_awaiting_collection (job_id, collection_id) VALUES (:job, :collection)")
        .param("job", jobId).param("collection", collectionId)
        .update();
  }

  public boolean isAwaiting(UUID jobId) {
    return jdbc.sql("SELECT count(*) FROM jobs_awaiting_collection WHERE job_id = :job").param("job", jobId)
        .query(Long.class).single() > 0;
  }

  /** Removes the job's row. @return whether there was one */
  public boolean remove(UUID jobId) {
    return jdbc.sql("DELETE FROM jobs_awaiting_collection WHERE job_id = :job").param("job", jobId).update() == 1;
  }

  /** Removes and returns the jobs waiting for the collection. */
  public List<UUID> take(UUID collectionId) {
    return jdbc.sql("DELETE FROM jobs_awaiting_collection WHERE collection_id = :collection RETURNING job_id")
        .param("collection", collectionId)
        .query((rs, n) -> rs.getObject("job_id", UUID.class))
        .list().stream().sorted().toList();
  }
}
