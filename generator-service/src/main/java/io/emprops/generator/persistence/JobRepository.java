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
  /**
   * Stores a new job, unless the user's {@code idempotencyKey} is taken.
   *
   * @return the job as stored (its timestamps the database's), empty when the key was taken
   */
  public Optional<Job> insert(Job job, String planJson, String idempotencyKey) {
    return jdbc.sql("""
            INSERT INTO jobs (id, user_id, collection_id, status, generations, cost, plan, idempotency_key, request_hash,
                              token_id, token_hash)
            VALUES (:id, :user, :collection, :status, :generations, :cost, :plan::jsonb, :key, :hash, :token, :tokenHash)
            ON CONFLICT (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
            RETURNING *""")
        .param("id", job.id()).param("user", job.userId()).param("collection", job.collectionId())
        .param("status", job.status()).param("generations", job.generations()).param("cost", job.cost())
        .param("plan", planJson).param("key", idempotencyKey).param("hash", job.requestHash())
        .param("token", job.token() == null ? null : job.token().tokenId())
        .param("tokenHash", job.token() == null ? null : job.token().hash())
        .query(JobRepository::job).optional();
  }

  /**
   * Stores a job under an id derived from what it is for (a minted token's generation), unless a
   * job with that id exists: a second call, by a redelivery or another instance, waits for the
   * first one's transaction and then inserts nothing. The job's errors and completion time are
   * stored as given (a job may be stored already failed).
   *
   * @return whether this call stored it
   */
  public boolean insertIfAbsent(Job job, String planJson) {
    return jdbc.sql("""
            INSERT INTO jobs (id, user_id, collection_id, status, generations, cost, plan, request_hash, error_code, error,
                              completed_at, token_id, token_hash)
            VALUES (:id, :user, :collection, :status, :generations, :cost, :plan::jsonb, :hash, :code, :error,
                    CASE WHEN :status IN ('completed', 'failed', 'cancelled') THEN now() END, :token, :tokenHash)
            ON CONFLICT (id) DO NOTHING""")
        .param("id", job.id()).param("user", job.userId()).param("collection", job.collectionId())
        .param("status", job.status()).param("generations", job.generations()).param("cost", job.cost())
        .param("plan", planJson).param("hash", job.requestHash()).param("code", job.errorCode())
        .param("error", job.error())
        .param("token", job.token() == null ? null : job.token().tokenId())
        .param("tokenHash", job.token() == null ? null : job.token().hash())
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

  /**
   * Starts a pending job on its owner's credit standing: queued, marked as not yet reserved.
   *
   * @return the job as it now is, with what beginning its execution reads (as {@link #beginning});
   *     empty when it was not pending
   */
  public Optional<Beginning> queueOnStanding(UUID id) {
    return jdbc.sql("""
            UPDATE jobs SET status = 'queued', credits_advanced = true, updated_at = now()
            WHERE id = :id AND status = 'pending'
            RETURNING *, plan::text AS plan_text""")
        .param("id", id).query(JobRepository::beginning).optional();
  }

  /**
   * Credits-service decided on a job started on the standing: it is no longer marked.
   *
   * @return the job's status, or empty when it was not marked (it waited for the decision, or the
   *     decision was handled already)
   */
  public Optional<String> clearOnStanding(UUID id) {
    return jdbc.sql("UPDATE jobs SET credits_advanced = false WHERE id = :id AND credits_advanced RETURNING status")
        .param("id", id).query(String.class).optional();
  }

  /** Whether the job runs on its owner's standing, credits-service not having decided yet. */
  public boolean isOnStanding(UUID id) {
    return jdbc.sql("SELECT credits_advanced FROM jobs WHERE id = :id").param("id", id)
        .query(Boolean.class).optional().orElse(false);
  }

  /**
   * What the user's jobs credits-service has not decided on will ask of it: the pending ones and
   * those started on the standing.
   */
  public long undecidedCost(String userId) {
    return jdbc.sql("""
            SELECT coalesce(sum(cost), 0) FROM jobs
            WHERE user_id = :user AND (status = 'pending' OR credits_advanced)""")
        .param("user", userId).query(Long.class).single();
  }

  /** A job just moved to processing, and how many steps it has. */
  public record Started(Job job, int steps) {}

  /**
   * The first step of a queued job started: the job is processing.
   *
   * @return the job as it is now and its number of steps, when it moved (one statement: it is on
   *     the path of a job's first claim)
   */
  public Optional<Started> startProcessing(UUID id) {
    return jdbc.sql("""
            UPDATE jobs SET status = 'processing', started_at = coalesce(started_at, now()), updated_at = now()
            WHERE id = :id AND status = 'queued'
            RETURNING *, (SELECT count(*) FROM job_steps s WHERE s.job_id = jobs.id) AS step_count""")
        .param("id", id).query((rs, row) -> new Started(job(rs, row), rs.getInt("step_count"))).optional();
  }

  /**
   * The job's progress from its steps (completed ones count whole, those in flight by their
   * progress), in the statements that store it (an expression over the row of {@code jobs} being
   * updated).
   */
  public static final String PROGRESS_FROM_STEPS = """
      (SELECT coalesce(floor(100 * sum(CASE WHEN s.status = 'completed' THEN 1.0
                                            WHEN s.status IN ('queued', 'running') THEN s.progress / 100.0
                                            ELSE 0 END) / count(*)), 0)
       FROM job_steps s WHERE s.job_id = jobs.id)""";

  /** A job's progress as just stored, and the step counts it was computed from. */
  public record Refreshed(int progress, JobStepRepository.Counts counts) {}

  /**
   * Stores the job's progress from its steps, in one statement: it runs for every step that
   * completes.
   */
  public Refreshed refreshProgress(UUID id) {
    return jdbc.sql("UPDATE jobs SET progress = " + PROGRESS_FROM_STEPS + ", updated_at = now()"
            + " FROM (SELECT " + JobStepRepository.COUNTS + " FROM job_steps WHERE job_id = :id) counted"
            + " WHERE id = :id RETURNING jobs.progress AS job_progress, counted.*")
        .param("id", id)
        .query((rs, row) -> new Refreshed(rs.getInt("job_progress"), JobStepRepository.counts(rs, row))).single();
  }

  /** Marks {@code retryId} the retry of {@code originalId}. @return false when that job already has one */
  public boolean markRetry(UUID retryId, UUID originalId) {
    return jdbc.sql("""
            UPDATE jobs SET retry_of = :original WHERE id = :retry
              AND NOT EXISTS (SELECT 1 FROM jobs WHERE retry_of = :original)""")
        .param("retry", retryId).param("original", originalId).update() == 1;
  }

  public Optional<Job> retryOf(UUID originalId) {
    return jdbc.sql("SELECT * FROM jobs WHERE retry_of = :original").param("original", originalId)
        .query(JobRepository::job).optional();
  }

  /** A job about to be laid out: the job, its plan (JSON) and the job it retries, if it is a retry. */
  public record Beginning(Job job, String plan, Optional<UUID> original) {}

  /** {@link #find}, {@link #plan} and the job it retries in one read. */
  public Optional<Beginning> beginning(UUID id) {
    return jdbc.sql("SELECT *, plan::text AS plan_text FROM jobs WHERE id = :id").param("id", id)
        .query(JobRepository::beginning).optional();
  }

  private static Beginning beginning(ResultSet rs, int row) throws SQLException {
    return new Beginning(job(rs, row), rs.getString("plan_text"), Optional.ofNullable(rs.getObject("retry_of", UUID.class)));
  }

  /** The plan fixed when the job was accepted (generations, their variables, the steps). */
  public String plan(UUID id) {
    return jdbc.sql("SELECT plan::text FROM jobs WHERE id = :id").param("id", id).query(String.class).single();
  }

  /**
   * Replaces the plan of a job none of whose steps has been laid out yet (a job of
   * {@code POST /api/collections/generate}, rebased onto its collection's step ids).
   */
  public void replacePlan(UUID id, String planJson) {
    jdbc.sql("UPDATE jobs SET plan = CAST(:plan AS jsonb) WHERE id = :id").param("id", id).param("plan", planJson)
        .update();
  }

  /**
   * One generation of the job's plan, {@code {index, hash, variables}}: picked out in the database
   * so that a step's completion does not read and parse the whole plan (every step's payload).
   */
  public Optional<String> plannedGeneration(UUID id, int generation) {
    return jdbc.sql("""
            SELECT jsonb_path_query_first(plan, '$.generations[*] ? (@.index == $g)',
                                          jsonb_build_object('g', :generation))::text
            FROM jobs WHERE id = :id""")
        .param("id", id).param("generation", generation).query(String.class).optional();
  }

  /** Locks the rows of these jobs, in id order (no deadlock with another caller locking some of them). */
  public List<Job> lockAll(List<UUID> ids) {
    return jdbc.sql("SELECT * FROM jobs WHERE id = ANY(:ids) ORDER BY id FOR UPDATE")
        .param("ids", ids.toArray(UUID[]::new)).query(JobRepository::job).list();
  }

  /** Locks the job row until the transaction ends (cancel and the saga's handlers serialise on it). */
  public Optional<Job> lock(UUID id) {
    return jdbc.sql("SELECT * FROM jobs WHERE id = :id FOR UPDATE").param("id", id).query(JobRepository::job).optional();
  }

  /** {@link #lock} of the job that has the step with submission id {@code queueStepId}, in one statement. */
  public Optional<Job> lockOfSubmission(String queueStepId) {
    return jdbc.sql("SELECT * FROM jobs WHERE id = (SELECT job_id FROM job_steps WHERE queue_step_id = :step) FOR UPDATE")
        .param("step", queueStepId).query(JobRepository::job).optional();
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
        instant(rs.getTimestamp("completed_at")), token(rs));
  }

  private static Job.Token token(ResultSet rs) throws SQLException {
    long tokenId = rs.getLong("token_id");
    return rs.wasNull() ? null
        : new Job.Token(rs.getObject("collection_id", UUID.class), tokenId, rs.getString("token_hash"));
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
