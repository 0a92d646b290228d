package io.emprops.generator.persistence;

import io.emprops.generator.domain.job.Job;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class JobRepository {

  private final JdbcClient jdbc;

  public JobRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** @return false when the user already has a job with this idempotency key */
  public boolean insert(Job job, String planJson, String idempotencyKey) {
    return jdbc.sql("""
            INSERT INTO jobs (id, user_id, collection_id, status, generations, cost, plan, idempotency_key, request_hash)
            VALUES (:id, :user, :collection, :status, :generations, :cost, :plan::jsonb, :key, :hash)
            ON CONFLICT (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING""")
        .param("id", job.id()).param("user", job.userId()).param("collection", job.collectionId())
        .param("status", job.status()).param("generations", job.generations()).param("cost", job.cost())
        .param("plan", planJson).param("key", idempotencyKey).param("hash", job.requestHash())
        .update() == 1;
  }

  public Optional<Job> find(UUID id) {
    return jdbc.sql("SELECT * FROM jobs WHERE id = :id").param("id", id).query(JobRepository::job).optional();
  }

  public Optional<Job> findByIdempotencyKey(String userId, String key) {
    return jdbc.sql("SELECT * FROM jobs WHERE user_id = :user AND idempotency_key = :key")
        .param("user", userId).param("key", key).query(JobRepository::job).optional();
  }

  /** Moves a job from {@code from} to {@code to}. @return false when it was not in {@code from} */
  public boolean transition(UUID id, String from, String to, String errorCode, String error) {
    return jdbc.sql("""
            UPDATE jobs SET status = :to, error_code = coalesce(:code, error_code), error = coalesce(:error, error),
                   completed_at = CASE WHEN :to IN ('completed', 'failed', 'cancelled') THEN now() ELSE completed_at END,
                   updated_at = now()
            WHERE id = :id AND status = :from""")
        .param("id", id).param("from", from).param("to", to).param("code", errorCode).param("error", error)
        .update() == 1;
  }

  public void recordHistory(UUID jobId, String status, String message) {
    jdbc.sql("INSERT INTO job_history (job_id, status, message) VALUES (:job, :status, :message)")
        .param("job", jobId).param("status", status).param("message", message).update();
  }

  /** A job's state changes and messages, oldest first. */
  public List<HistoryEntry> history(UUID jobId) {
    return jdbc.sql("SELECT seq, status, message, created_at FROM job_history WHERE job_id = :job ORDER BY seq")
        .param("job", jobId)
        .query((rs, n) -> new HistoryEntry(rs.getLong("seq"), rs.getString("status"), rs.getString("message"),
            rs.getTimestamp("created_at").toInstant()))
        .list();
  }

  public record HistoryEntry(long seq, String status, String message, Instant createdAt) {}

  /** Locks the job row until the transaction ends (cancel and the saga's handlers serialise on it). */
  public Optional<Job> lock(UUID id) {
    return jdbc.sql("SELECT * FROM jobs WHERE id = :id FOR UPDATE").param("id", id).query(JobRepository::job).optional();
  }

  public List<Job> page(String userId, String status, int offset, int limit) {
    return jdbc.sql("""
            SELECT * FROM jobs WHERE user_id = :user AND (CAST(:status AS text) IS NULL OR status = :status)
            ORDER BY created_at DESC, id DESC OFFSET :offset LIMIT :limit""")
        .param("user", userId).param("status", status).param("offset", offset).param("limit", limit)
        .query(JobRepository::job).list();
  }

  public long count(String userId, String status) {
    return jdbc.sql("SELECT count(*) FROM jobs WHERE user_id = :user AND (CAST(:status AS text) IS NULL OR status = :status)")
        .param("user", userId).param("status", status).query(Long.class).single();
  }

  private static Job job(ResultSet rs, int row) throws SQLException {
    return new Job(rs.getObject("id", UUID.class), rs.getString("user_id"), rs.getObject("collection_id", UUID.class),
        rs.getString("job_type"), rs.getString("status"), rs.getInt("progress"), rs.getInt("generations"),
        rs.getLong("cost"), rs.getString("error_code"), rs.getString("error"), rs.getString("request_hash"),
        instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("started_at")),
        instant(rs.getTimestamp("completed_at")));
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
