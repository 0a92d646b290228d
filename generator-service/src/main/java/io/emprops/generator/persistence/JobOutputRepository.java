package io.emprops.generator.persistence;

import io.emprops.generator.domain.execution.JobOutput;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The output files of jobs' steps and their way to durable storage ({@code job_outputs}). Rows are
 * written when a step completes ({@link JobStepRepository#complete}); storage-service's answers
 * move them from {@code storing} to {@code stored} or {@code failed}. Storage-service names an
 * output by the job whose {@code GenerationStepCompleted} it answers, which for an output a retry
 * reused is the retry's original: both rows follow the answer.
 */
@Repository
public class JobOutputRepository {

  /** The rows of the output storage-service names by {@code :job} (its own, and retries' copies of it). */
  private static final String NAMED = """
      ((job_id = :job AND origin_job_id IS NULL) OR origin_job_id = :job)
        AND generation = :generation AND step_id = :step AND ordinal = :index""";

  /** What a change returns: the row, and how long it waited for storage-service since it was written. */
  private static final String CHANGED = "*, extract(epoch FROM clock_timestamp() - created_at) AS waited_seconds";

  private final JdbcClient jdbc;

  public JobOutputRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * An output that changed, the job whose row it is, and how long the row had waited for
   * storage-service (since its step completed, or since a retry reused it).
   */
  public record Changed(UUID jobId, JobOutput output, Duration waited) {}

  /** How many of a job's outputs are still being stored, and how many will not be. */
  public record Counts(int storing, int failed) {}

  /** The job's output files, by step position and index. */
  public List<JobOutput> ofJob(UUID jobId) {
    return jdbc.sql("""
            SELECT o.* FROM job_outputs o
            JOIN job_steps s ON s.job_id = o.job_id AND s.generation = o.generation AND s.step_id = o.step_id
            WHERE o.job_id = :job ORDER BY s.position, o.ordinal""")
        .param("job", jobId).query(JobOutputRepository::output).list();
  }

  public Counts counts(UUID jobId) {
    return jdbc.sql("""
            SELECT count(*) FILTER (WHERE status = 'storing') AS storing, count(*) FILTER (WHERE status = 'failed') AS failed
            FROM job_outputs WHERE job_id = :job""")
        .param("job", jobId).query((rs, row) -> new Counts(rs.getInt("storing"), rs.getInt("failed"))).single();
  }

  /** The jobs holding a row of the output storage-service names (to lock them first, in id order). */
  public List<UUID> jobsHolding(UUID namedJob, int generation, int stepId, int index) {
    return jdbc.sql("SELECT DISTINCT job_id FROM job_outputs WHERE " + NAMED + " ORDER BY job_id")
        .param("job", namedJob).param("generation", generation).param("step", stepId).param("index", index)
        .query((rs, row) -> rs.getObject(1, UUID.class)).list();
  }

  /** The output is durable: every row of it not stored yet (a failed one too: late, but durable) gets the asset. */
  public List<Changed> markStored(UUID namedJob, int generation, int stepId, int index, UUID assetId, String url,
      String mimeType) {
    return jdbc.sql("""
            UPDATE job_outputs SET status = 'stored', asset_id = :asset, stored_url = :url,
                   mime_type = coalesce(:mimeType, mime_type), error = NULL, settled_at = now()
            WHERE\s""" + NAMED + " AND status <> 'stored' RETURNING " + CHANGED)
        .param("job", namedJob).param("generation", generation).param("step", stepId).param("index", index)
        .param("asset", assetId).param("url", url).param("mimeType", mimeType)
        .query(JobOutputRepository::changed).list();
  }

  /** The output will not be stored: rows still storing fail with {@code error} (a stored one stays stored). */
  public List<Changed> markFailed(UUID namedJob, int generation, int stepId, int index, String error) {
    return jdbc.sql("""
            UPDATE job_outputs SET status = 'failed', error = :error, settled_at = now()
            WHERE\s""" + NAMED + " AND status = 'storing' RETURNING " + CHANGED)
        .param("job", namedJob).param("generation", generation).param("step", stepId).param("index", index)
        .param("error", error)
        .query(JobOutputRepository::changed).list();
  }

  /** Jobs with outputs that have been storing for longer than {@code timeout}, oldest first. */
  public List<UUID> jobsStoringLongerThan(Duration timeout, int limit) {
    return jdbc.sql("""
            SELECT job_id FROM job_outputs WHERE status = 'storing' AND created_at < now() - make_interval(secs => :secs)
            GROUP BY job_id ORDER BY min(created_at) LIMIT :limit""")
        .param("secs", timeout.toMillis() / 1000.0).param("limit", limit)
        .query((rs, row) -> rs.getObject(1, UUID.class)).list();
  }

  /** Fails the job's outputs storing for longer than {@code timeout} with {@code error}. */
  public List<Changed> failStoringLongerThan(UUID jobId, Duration timeout, String error) {
    return jdbc.sql("""
            UPDATE job_outputs SET status = 'failed', error = :error, settled_at = now()
            WHERE job_id = :job AND status = 'storing' AND created_at < now() - make_interval(secs => :secs)
            RETURNING\s""" + CHANGED)
        .param("job", jobId).param("secs", timeout.toMillis() / 1000.0).param("error", error)
        .query(JobOutputRepository::changed).list();
  }

  private static Changed changed(ResultSet rs, int row) throws SQLException {
    return new Changed(rs.getObject("job_id", UUID.class), output(rs, row),
        Duration.ofNanos((long) (rs.getDouble("waited_seconds") * 1e9)));
  }

  private static JobOutput output(ResultSet rs, int row) throws SQLException {
    return new JobOutput(rs.getInt("generation"), rs.getInt("step_id"), rs.getInt("ordinal"), rs.getString("mime_type"),
        JobOutput.Status.of(rs.getString("status")), rs.getObject("asset_id", UUID.class), rs.getString("stored_url"),
        rs.getString("error"));
  }
}
