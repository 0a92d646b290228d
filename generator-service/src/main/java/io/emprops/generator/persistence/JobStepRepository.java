package io.emprops.generator.persistence;

import io.emprops.generator.domain.execution.JobStep;
import io.emprops.generator.domain.execution.StepOutput;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The steps of executing jobs. Every change that depends on a step's state is a conditional
 * update on its current submission id and state, so duplicate and late queue messages, handled
 * concurrently by every instance, change a step at most once.
 */
@Repository
public class JobStepRepository {

  private static final String IN_FLIGHT = "('queued', 'running')";
  /** A step {@code s} whose work counts: completed, and no output of it failed to be stored. */
  private static final String COMPLETED_WORK = """
      s.status = 'completed' AND NOT EXISTS (
        SELECT 1 FROM job_outputs f
        WHERE f.job_id = s.job_id AND f.generation = s.generation AND f.step_id = s.step_id AND f.status = 'failed')""";
  /** The step with submission id {@code :id}, locking its job's row (not the step's). */
  private static final String LOCKING_JOB_OF_SUBMISSION = """
      FROM job_steps s JOIN jobs j ON j.id = s.job_id WHERE s.queue_step_id = :id FOR UPDATE OF j""";
  /**
   * A worker's progress on a step: never backwards (its message goes with the highest report); a
   * step reported on has started.
   */
  private static final String PROGRESS_UPDATE = """
      progress_message = CASE WHEN :progress >= progress THEN coalesce(:message, '') ELSE progress_message END,
      progress = greatest(progress, :progress), status = 'running',
      worker_id = coalesce(nullif(:worker, ''), worker_id), claimed_at = coalesce(claimed_at, now()),
      updated_at = now()
      """;

  private final JdbcClient jdbc;
  private final NamedParameterJdbcTemplate batch;
  private final JsonMapper json;

  public JobStepRepository(JdbcClient jdbc, NamedParameterJdbcTemplate batch, JsonMapper json) {
    this.jdbc = jdbc;
    this.batch = batch;
    this.json = json;
  }

  /**
   * Lays out a job's steps, in one batch: stored waiting, except {@code queued}, prepared for the
   * queue in the same transaction, which are stored queued with their submission id and payload
   * (as {@link #queueAll} would make them).
   */
  public void insertAll(List<JobStep> steps, List<Prepared> queued) {
    Map<List<Integer>, Prepared> byStep = new HashMap<>();
    queued.forEach(p -> byStep.put(List.of(p.step().generation(), p.step().stepId()), p));
    SqlParameterSource[] rows = steps.stream().map(step -> {
      Prepared prepared = byStep.get(List.of(step.generation(), step.stepId()));
      return new MapSqlParameterSource()
          .addValue("job", step.jobId()).addValue("generation", step.generation()).addValue("step", step.stepId())
          .addValue("position", step.position()).addValue("workflow", step.workflowName())
          .addValue("kind", step.kind().wireName()).addValue("service", step.serviceRequired())
          .addValue("cost", step.cost())
          .addValue("dependsOn", String.join(",", step.dependsOn().stream().map(String::valueOf).toList()))
          .addValue("inputs", json.writeValueAsString(step.inputs()))
          .addValue("status", prepared == null ? step.status() : JobStep.QUEUED)
          .addValue("queueStepId", prepared == null ? null : prepared.queueStepId(), Types.VARCHAR)
          .addValue("payload", prepared == null ? null : json.writeValueAsString(prepared.payload()), Types.VARCHAR)
          .addValue("attempt", prepared == null ? 0 : 1);
    }).toArray(SqlParameterSource[]::new);
    batch.batchUpdate("""
        INSERT INTO job_steps (job_id, generation, step_id, position, workflow_name, kind, service_required, cost,
                               depends_on, inputs, status, queue_step_id, payload, attempt)
        VALUES (:job, :generation, :step, :position, :workflow, :kind, :service, :cost,
                string_to_array(:dependsOn, ',')::integer[], :inputs::jsonb, :status, :queueStepId, :payload::jsonb,
                :attempt)""", rows);
  }

  /** A waiting step about to be handed to the queue, its inputs resolved. */
  public record Prepared(JobStep step, String queueStepId, JsonNode payload) {}

  /**
   * Hands waiting steps to the queue (or the fetch executor), in one batch.
   *
   * @return the submission ids of those that were still waiting
   */
  public List<String> queueAll(List<Prepared> prepared) {
    SqlParameterSource[] rows = prepared.stream().map(p -> new MapSqlParameterSource()
        .addValue("id", p.queueStepId()).addValue("payload", json.writeValueAsString(p.payload()))
        .addValue("job", p.step().jobId()).addValue("generation", p.step().generation())
        .addValue("step", p.step().stepId()))
        .toArray(SqlParameterSource[]::new);
    int[] updated = batch.batchUpdate("""
        UPDATE job_steps SET status = 'queued', queue_step_id = :id, payload = :payload::jsonb,
               attempt = attempt + 1, updated_at = now()
        WHERE job_id = :job AND generation = :generation AND step_id = :step AND status = 'waiting'""", rows);
    List<String> queued = new java.util.ArrayList<>();
    for (int i = 0; i < updated.length; i++) {
      if (updated[i] != 0) {
        queued.add(prepared.get(i).queueStepId());
      }
    }
    return queued;
  }

  public List<JobStep> bySubmissions(List<String> queueStepIds) {
    return jdbc.sql("SELECT * FROM job_steps WHERE queue_step_id = ANY(:ids) ORDER BY position")
        .param("ids", queueStepIds.toArray(String[]::new)).query(this::step).list();
  }

  /** The queue has these submissions. */
  public void markSubmitted(List<String> queueStepIds) {
    jdbc.sql("""
            UPDATE job_steps SET submitted_at = now(), updated_at = now()
            WHERE queue_step_id = ANY(:ids) AND submitted_at IS NULL""")
        .param("ids", queueStepIds.toArray(String[]::new)).update();
  }

  /**
   * The queue has these submissions, just written: marks them submitted, whatever their status
   * now, in one statement.
   *
   * @return of these, the submission ids whose step is still wanted (queued, running, or already
   *     completed by a quick worker); a step ended since (cancelled or failed) is not among them
   */
  public Set<String> markSubmittedInFlight(List<String> queueStepIds) {
    return new HashSet<>(jdbc.sql("""
            UPDATE job_steps SET submitted_at = coalesce(submitted_at, now()),
                   updated_at = CASE WHEN submitted_at IS NULL THEN now() ELSE updated_at END
            WHERE queue_step_id = ANY(:ids)
            RETURNING CASE WHEN status IN ('queued', 'running', 'completed') THEN queue_step_id END""")
        .param("ids", queueStepIds.toArray(String[]::new)).query(String.class).list());
  }

  public List<JobStep> forJob(UUID jobId) {
    return jdbc.sql("SELECT * FROM job_steps WHERE job_id = :job ORDER BY position")
        .param("job", jobId).query(this::step).list();
  }

  /**
   * How many steps a job has, how many of them completed and how many wait for others. Cheap next
   * to {@link #forJob}, which parses every step's payload and output (inline images among them).
   */
  public record Counts(int total, int completed, int waiting) {

    public boolean allCompleted() {
      return completed == total;
    }
  }

  /** The columns {@link Counts} is read from, over the rows of {@code job_steps} of one job. */
  static final String COUNTS = "count(*) AS total, count(*) FILTER (WHERE status = 'completed') AS completed, "
      + "count(*) FILTER (WHERE status = 'waiting') AS waiting";

  static Counts counts(ResultSet rs, int row) throws SQLException {
    return new Counts(rs.getInt("total"), rs.getInt("completed"), rs.getInt("waiting"));
  }

  public Counts countsForJob(UUID jobId) {
    return jdbc.sql("SELECT " + COUNTS + " FROM job_steps WHERE job_id = :job")
        .param("job", jobId).query(JobStepRepository::counts).single();
  }

  public int countForJob(UUID jobId) {
    return jdbc.sql("SELECT count(*) FROM job_steps WHERE job_id = :job").param("job", jobId).query(Integer.class).single();
  }

  public Optional<JobStep> bySubmission(String queueStepId) {
    return jdbc.sql("SELECT * FROM job_steps WHERE queue_step_id = :id")
        .param("id", queueStepId).query(this::step).optional();
  }

  /**
   * Takes the row lock of the job that owns {@code queueStepId} and returns that step, in one
   * statement. The step is as read before the lock was granted: callers change it only by
   * conditional updates, which see its latest version.
   */
  public Optional<JobStep> lockJobOfSubmission(String queueStepId) {
    return jdbc.sql("SELECT s.* " + LOCKING_JOB_OF_SUBMISSION).param("id", queueStepId).query(this::step).optional();
  }

  /** The same step again under a new submission id (its worker died, or the queue lost it). */
  public boolean resubmit(String queueStepId, String newQueueStepId) {
    return jdbc.sql("""
            UPDATE job_steps SET status = 'queued', queue_step_id = :next, attempt = attempt + 1, submitted_at = NULL,
                   worker_id = NULL, claimed_at = NULL, progress = 0, progress_message = NULL, progress_sent = NULL,
                   progress_sent_message = NULL, updated_at = now()
            WHERE queue_step_id = :id AND status IN """ + IN_FLIGHT)
        .param("id", queueStepId).param("next", newQueueStepId).update() == 1;
  }

  /** @return true on the first claim of this submission (the step started) */
  public boolean claim(String queueStepId, String workerId) {
    return jdbc.sql("""
            UPDATE job_steps SET status = 'running', worker_id = :worker, claimed_at = now(),
                   submitted_at = coalesce(submitted_at, now()), updated_at = now()
            WHERE queue_step_id = :id AND status = 'queued'""")
        .param("id", queueStepId).param("worker", workerId).update() == 1;
  }

  /** Records a worker's progress on a step in flight; never moves it backwards. */
  public Optional<JobStep> progress(String queueStepId, String workerId, int progress, String message) {
    return jdbc.sql("UPDATE job_steps SET " + PROGRESS_UPDATE + " WHERE queue_step_id = :id AND status IN " + IN_FLIGHT
            + " RETURNING *")
        .param("id", queueStepId).param("worker", workerId).param("progress", Math.clamp(progress, 0, 100))
        .param("message", message)
        .query(this::step).optional();
  }

  /**
   * {@link #lockJobOfSubmission} and {@link #progress} in one round trip, for the common case of
   * a step already running: its job's row lock is taken first, as for every change to a job's
   * steps. Empty when the step is not running (not started yet, ended, not ours); the lock is
   * held all the same when the step exists.
   */
  public Optional<JobStep> lockJobAndProgressRunning(String queueStepId, String workerId, int progress,
      String message) {
    // The job's lock comes from the CTE, evaluated before the step's row is updated (and so
    // locked); after a wait for it, the update re-checks the step's latest version.
    return jdbc.sql("WITH locked AS (SELECT j.id " + LOCKING_JOB_OF_SUBMISSION + ")\n"
            + "UPDATE job_steps SET " + PROGRESS_UPDATE + """
            WHERE queue_step_id = :id AND status = 'running' AND job_id = (SELECT id FROM locked)
            RETURNING *""")
        .param("id", queueStepId).param("worker", workerId).param("progress", Math.clamp(progress, 0, 100))
        .param("message", message)
        .query(this::step).optional();
  }

  /**
   * A running step whose latest report no event carried yet (the throttle held it back): in SQL,
   * over a row of {@code job_steps}.
   */
  public static final String REPORT_UNSENT = """
      status = 'running' AND progress_message IS NOT NULL
        AND (progress, progress_message) IS DISTINCT FROM (progress_sent, progress_sent_message)""";

  /** A worker's report on a step that no event carried yet. */
  public record UnsentReport(int generation, int stepId, int progress, String message) {}

  /**
   * A step just completed, and the last report of its worker if no event carried it yet (its
   * final burst's 100 %, held back by the throttle).
   */
  public record Completion(JobStep step, Optional<UnsentReport> lastReport) {}

  /**
   * Completes a step in flight with its output: the value for its dependants, and its files. The
   * caller holds the job's row lock, so the step's report read here is its latest.
   *
   * @return empty when the step was not in flight (a duplicate or late completion)
   */
  public Optional<Completion> complete(String queueStepId, StepOutput output) {
    List<Map<String, String>> files = output.files().stream()
        .map(f -> {
          Map<String, String> file = new HashMap<>();
          file.put("url", f.url());
          file.put("mime_type", f.mimeType());
          return file;
        }).toList();
    return jdbc.sql("""
            WITH before AS (
              SELECT progress, progress_message, (""" + REPORT_UNSENT + """
            ) AS report_unsent
              FROM job_steps WHERE queue_step_id = :id AND status IN """ + IN_FLIGHT + """
            ),
            done AS (
              UPDATE job_steps SET status = 'completed', progress = 100, output = :output::jsonb, completed_at = now(),
                     updated_at = now()
              WHERE queue_step_id = :id AND status IN """ + IN_FLIGHT + """
              RETURNING *),
            files AS (
              INSERT INTO job_outputs (job_id, generation, step_id, ordinal, url, mime_type)
              SELECT d.job_id, d.generation, d.step_id, f.ordinal - 1, f.file ->> 'url', f.file ->> 'mime_type'
              FROM done d, jsonb_array_elements(:files::jsonb) WITH ORDINALITY AS f(file, ordinal))
            SELECT done.*, before.progress AS reported, before.progress_message AS reported_message,
                   before.report_unsent
            FROM done, before""")
        .param("id", queueStepId).param("output", json.writeValueAsString(output.value()))
        .param("files", json.writeValueAsString(files))
        .query((rs, row) -> {
          JobStep step = step(rs, row);
          Optional<UnsentReport> last = rs.getBoolean("report_unsent")
              ? Optional.of(new UnsentReport(step.generation(), step.stepId(), rs.getInt("reported"),
                  rs.getString("reported_message")))
              : Optional.empty();
          return new Completion(step, last);
        })
        .optional();
  }

  /**
   * The job's completed work that counts: steps that completed and none of whose outputs failed to
   * be stored (an output that will never be durable was not delivered). What a failed or cancelled
   * job is charged, and what its retry reuses.
   */
  public List<JobStep> completedWork(UUID jobId) {
    return jdbc.sql("SELECT * FROM job_steps s WHERE job_id = :job AND " + COMPLETED_WORK + " ORDER BY position")
        .param("job", jobId).query(this::step).list();
  }

  public boolean fail(String queueStepId, String error) {
    return jdbc.sql("""
            UPDATE job_steps SET status = 'failed', error = :error, updated_at = now()
            WHERE queue_step_id = :id AND status IN """ + IN_FLIGHT)
        .param("id", queueStepId).param("error", error).update() == 1;
  }

  /** Marks every step of the job that is in flight cancelled. @return what they were */
  public List<JobStep> cancelInFlight(UUID jobId) {
    List<JobStep> inFlight = jdbc.sql("SELECT * FROM job_steps WHERE job_id = :job AND status IN " + IN_FLIGHT)
        .param("job", jobId).query(this::step).list();
    jdbc.sql("UPDATE job_steps SET status = 'cancelled', updated_at = now() WHERE job_id = :job AND status IN " + IN_FLIGHT)
        .param("job", jobId).update();
    return inFlight;
  }

  /**
   * A retry starts where the failed job stopped: its completed work ({@link #completedWork}) is
   * completed here, with its outputs, at no cost (it was charged to the failed job). Outputs still
   * being stored are followed under the job storage-service knows them by (their origin). The
   * caller holds the original's row lock, so no answer of storage-service slips between the read
   * and the copy.
   */
  public int reuseCompleted(UUID retryJobId, UUID originalJobId) {
    int reused = jdbc.sql("""
            UPDATE job_steps r SET status = 'completed', cost = 0, progress = 100, output = s.output,
                   payload = s.payload, completed_at = s.completed_at, updated_at = now()
            FROM job_steps s
            WHERE r.job_id = :retry AND s.job_id = :original AND s.generation = r.generation AND s.step_id = r.step_id
              AND\s""" + COMPLETED_WORK)
        .param("retry", retryJobId).param("original", originalJobId).update();
    jdbc.sql("""
            INSERT INTO job_outputs (job_id, generation, step_id, ordinal, url, mime_type, asset_id, status, stored_url,
                                     error, settled_at, origin_job_id)
            SELECT :retry, o.generation, o.step_id, o.ordinal, o.url, o.mime_type, o.asset_id, o.status, o.stored_url,
                   o.error, o.settled_at, coalesce(o.origin_job_id, o.job_id)
            FROM job_outputs o JOIN job_steps r ON r.job_id = :retry AND r.generation = o.generation
                                             AND r.step_id = o.step_id AND r.status = 'completed'
            WHERE o.job_id = :original""")
        .param("retry", retryJobId).param("original", originalJobId).update();
    return reused;
  }

  /** Steps in flight whose state nobody looked at for {@code quietFor}: the reconciler's work list. */
  public List<JobStep> quietInFlight(Duration quietFor, int limit) {
    return jdbc.sql("""
            SELECT * FROM job_steps WHERE status IN """ + IN_FLIGHT + """
             AND updated_at < now() - make_interval(secs => :quiet)
            ORDER BY updated_at LIMIT :limit""")
        .param("quiet", quietFor.toMillis() / 1000.0).param("limit", limit)
        .query(this::step).list();
  }

  /** Marks a step looked at, so the reconciler comes back to it only after another quiet period. */
  public void touch(String queueStepId) {
    jdbc.sql("UPDATE job_steps SET updated_at = now() WHERE queue_step_id = :id").param("id", queueStepId).update();
  }

  private JobStep step(ResultSet rs, int row) throws SQLException {
    Array dependsOn = rs.getArray("depends_on");
    List<Integer> deps = Arrays.stream((Integer[]) dependsOn.getArray()).toList();
    return new JobStep(rs.getObject("job_id", UUID.class), rs.getInt("generation"), rs.getInt("step_id"),
        rs.getInt("position"), rs.getString("workflow_name"),
        JobStep.Kind.valueOf(rs.getString("kind").toUpperCase(java.util.Locale.ROOT)), rs.getString("service_required"),
        rs.getLong("cost"), deps, jsonOrNull(rs.getString("inputs")), rs.getString("status"), rs.getInt("attempt"),
        rs.getString("queue_step_id"), jsonOrNull(rs.getString("payload")), instant(rs.getTimestamp("submitted_at")),
        rs.getString("worker_id"), instant(rs.getTimestamp("claimed_at")), rs.getInt("progress"),
        jsonOrNull(rs.getString("output")), rs.getString("error"), instant(rs.getTimestamp("completed_at")), instant(rs.getTimestamp("updated_at")));
  }

  private JsonNode jsonOrNull(String text) {
    return text == null ? null : json.readTree(text);
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
