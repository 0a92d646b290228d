package io.emprops.generator.progress;

import io.emprops.events.contract.GenerationProgressed;
import io.emprops.events.outbox.Outbox;
import io.emprops.generator.persistence.AfterCommit;
import io.emprops.generator.persistence.JobRepository;
import io.emprops.generator.persistence.JobStepRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A job's history, which is also its event stream: an event is appended in the transaction that
 * changes the job and relayed to live clients only once that transaction committed, so a client
 * never sees an event that was rolled back, and replay from the history never misses one.
 */
@Component
public class JobEventLog {

  /** The job's last seq before an insert (a CTE: the insert's snapshot, taken under the job's lock). */
  private static final String PREVIOUS =
      "previous AS (SELECT coalesce(max(seq), 0) AS seq FROM job_history WHERE job_id = :job)\n";
  /** Milliseconds until the job's progress throttle allows another event (0 or less: now). */
  private static final String WAIT_MILLIS = """
      coalesce(ceil(extract(epoch FROM progress_event_at + make_interval(secs => :interval) - now()) * 1000), 0)::bigint""";
  private static final String RETURNING_EVENT =
      "RETURNING seq, job_id, event, status, message, data, created_at, (SELECT seq FROM previous) AS previous_seq";

  private final JdbcClient jdbc;
  private final JobEventRelay relay;
  private final Outbox outbox;
  private final JsonMapper json;

  public JobEventLog(JdbcClient jdbc, JobEventRelay relay, Outbox outbox, JsonMapper json) {
    this.jdbc = jdbc;
    this.relay = relay;
    this.outbox = outbox;
    this.json = json;
  }

  /** Records an event of {@code jobId} and relays it after commit; takes the job's row lock. */
  public JobEvent append(UUID jobId, String status, String event, String message, JsonNode data) {
    // A job's events are appended one transaction at a time (on the job's row lock), so seq order
    // is commit order and each event knows its predecessor.
    jdbc.sql("SELECT id FROM jobs WHERE id = :job FOR UPDATE").param("job", jobId).query(UUID.class).optional();
    return appendLocked(jobId, status, event, message, data);
  }

  /**
   * {@link #append} for a caller whose transaction holds the job's row lock already (the engine
   * takes it before any change to a job): one statement less per event.
   */
  public JobEvent appendLocked(UUID jobId, String status, String event, String message, JsonNode data) {
    JsonNode body = data == null ? JsonNodeFactory.instance.objectNode() : data;
    JobEvent appended = jdbc.sql("WITH " + PREVIOUS + """
            INSERT INTO job_history (job_id, status, event, message, data)
            VALUES (:job, :status, :event, :message, :data::jsonb)
            """ + RETURNING_EVENT)
        .param("job", jobId).param("status", status).param("event", event).param("message", message)
        .param("data", json.writeValueAsString(body))
        .query(this::event).single();
    relayAfterCommit(appended);
    return appended;
  }

  /**
   * What {@link #appendProgress} did: appended {@code event}, or held the report back because the
   * job had a progress event less than the interval ago, until {@code retryIn} (then
   * {@link #appendPendingProgress} delivers the step's latest report).
   */
  public record ProgressAppend(Optional<JobEvent> event, Optional<Duration> retryIn) {}

  /** The job's owner and collection: what {@link GenerationProgressed} carries besides the event. */
  private record Owner(String userId, UUID collectionId) {}

  /**
   * Appends a {@link JobEvent#NODE_PROGRESS} event for the step with submission
   * {@code queueStepId} with {@code data}, unless the job had one within {@code interval}: a
   * throttle shared by every instance, claimed by a conditional update of the job's row that also
   * stores the job's progress, recomputed from its steps and added to the event as
   * {@code job_progress}; the step records that its latest report was sent. One statement, for
   * the engine's most frequent event; the caller holds the job's row lock already (which
   * {@link #append} takes itself) and has stored the report on the step.
   */
  public ProgressAppend appendProgress(UUID jobId, String queueStepId, Duration interval, String message,
      ObjectNode data) {
    ProgressAppend appended = jdbc.sql("""
            WITH claimed AS (
              UPDATE jobs SET progress_event_at = now(), progress = """ + JobRepository.PROGRESS_FROM_STEPS + """
              , updated_at = now()
              WHERE id = :job AND status IN ('queued', 'processing')
                AND (progress_event_at IS NULL OR progress_event_at <= now() - make_interval(secs => :interval))
              RETURNING id, progress),
            """ + PREVIOUS + """
            , inserted AS (
              INSERT INTO job_history (job_id, status, event, message, data)
              SELECT id, 'processing', :event, :message, :data::jsonb || jsonb_build_object('job_progress', progress)
              FROM claimed
              RETURNING seq, job_id, event, status, message, data, created_at),
            sent AS (
              UPDATE job_steps SET progress_sent = progress, progress_sent_message = progress_message
              WHERE queue_step_id = :step AND EXISTS (SELECT 1 FROM inserted))
            SELECT i.*, (SELECT seq FROM previous) AS previous_seq, j.status IN ('queued', 'processing') AS active,
                   j.user_id, j.collection_id,
                   """ + WAIT_MILLIS + """
             AS wait_millis
            FROM jobs j LEFT JOIN inserted i ON true WHERE j.id = :job""")
        .param("job", jobId).param("step", queueStepId).param("interval", seconds(interval))
        .param("event", JobEvent.NODE_PROGRESS).param("message", message).param("data", json.writeValueAsString(data))
        .query((rs, row) -> {
          if (rs.getObject("seq") == null) {
            return new ProgressAppend(Optional.empty(), rs.getBoolean("active")
                ? Optional.of(Duration.ofMillis(Math.max(0, rs.getLong("wait_millis")))) : Optional.empty());
          }
          JobEvent event = event(rs, row);
          publishProgress(new Owner(rs.getString("user_id"), rs.getObject("collection_id", UUID.class)), event);
          return new ProgressAppend(Optional.of(event), Optional.empty());
        })
        .optional().orElse(new ProgressAppend(Optional.empty(), Optional.empty()));
    appended.event().ifPresent(this::relayAfterCommit);
    return appended;
  }

  /**
   * The trailing edge of the throttle: appends the latest report of each of the job's running
   * steps not yet sent as an event, once the job's throttle allows. Takes the job's row lock.
   *
   * @return how long until the throttle allows, when it does not yet and something waits
   */
  public Optional<Duration> appendPendingProgress(UUID jobId, Duration interval) {
    Optional<Duration> wait = jdbc.sql("""
            SELECT status IN ('queued', 'processing') AS active, """ + WAIT_MILLIS + """
             AS wait_millis
            FROM jobs WHERE id = :job FOR UPDATE""")
        .param("job", jobId).param("interval", seconds(interval))
        .query((rs, row) -> rs.getBoolean("active") ? Optional.of(Math.max(0, rs.getLong("wait_millis"))) : Optional.<Long>empty())
        .optional().flatMap(w -> w).map(Duration::ofMillis);
    if (wait.isEmpty()) {
      return Optional.empty();
    }
    List<JobStepRepository.UnsentReport> unsent = unsent(jobId);
    if (unsent.isEmpty()) {
      return Optional.empty();
    }
    if (wait.get().isPositive()) {
      return wait;
    }
    appendUnsent(jobId, unsent);
    return Optional.empty();
  }

  /**
   * Appends the last report of a step that has just completed, which no event carried yet,
   * whatever the throttle: the last value a worker reported (its 100 %) is never lost, and comes
   * before the step's completion. Like that completion, it does not count against the job's
   * throttle. The caller holds the job's row lock and has just stored the job's progress,
   * {@code jobProgress}, which counts the step completed.
   */
  public void appendLastReport(UUID jobId, String userId, UUID collectionId, int jobProgress,
      JobStepRepository.UnsentReport report) {
    appendReport(jobId, new Owner(userId, collectionId), jobProgress, report);
  }

  /** The unsent reports of the job's running steps. */
  private List<JobStepRepository.UnsentReport> unsent(UUID jobId) {
    return jdbc.sql("SELECT generation, step_id, progress, progress_message FROM job_steps WHERE "
            + JobStepRepository.REPORT_UNSENT + " AND job_id = :job ORDER BY position")
        .param("job", jobId)
        .query((rs, row) -> new JobStepRepository.UnsentReport(rs.getInt("generation"), rs.getInt("step_id"),
            rs.getInt("progress"), rs.getString("progress_message")))
        .list();
  }

  /** Appends {@code reports} as progress events, recording on their steps that they were sent. */
  private void appendUnsent(UUID jobId, List<JobStepRepository.UnsentReport> reports) {
    record Updated(int progress, Owner owner) {}
    Updated job = jdbc.sql("UPDATE jobs SET progress_event_at = now(), progress = "
            + JobRepository.PROGRESS_FROM_STEPS + ", updated_at = now() WHERE id = :job"
            + " RETURNING progress, user_id, collection_id")
        .param("job", jobId)
        .query((rs, row) -> new Updated(rs.getInt("progress"),
            new Owner(rs.getString("user_id"), rs.getObject("collection_id", UUID.class))))
        .single();
    for (JobStepRepository.UnsentReport report : reports) {
      appendReport(jobId, job.owner(), job.progress(), report);
      jdbc.sql("""
              UPDATE job_steps SET progress_sent = :progress, progress_sent_message = :message
              WHERE job_id = :job AND generation = :generation AND step_id = :step""")
          .param("progress", report.progress()).param("message", report.message()).param("job", jobId)
          .param("generation", report.generation()).param("step", report.stepId()).update();
    }
  }

  private void appendReport(UUID jobId, Owner owner, int jobProgress, JobStepRepository.UnsentReport report) {
    ObjectNode data = json.createObjectNode();
    data.put("step_id", report.stepId());
    data.put("generation", report.generation());
    data.put("progress", report.progress());
    data.put("message", report.message());
    data.put("job_progress", jobProgress);
    publishProgress(owner, appendLocked(jobId, "processing", JobEvent.NODE_PROGRESS, report.message(), data));
  }

  /**
   * Every progress event of a job's stream is also {@link GenerationProgressed} on Kafka, in the
   * same transaction (so as throttled as the stream: webhooks' {@code job.progress} comes from it).
   */
  private void publishProgress(Owner owner, JobEvent event) {
    JsonNode data = event.data();
    outbox.publish(new GenerationProgressed(event.jobId(), owner.userId(), owner.collectionId(),
        data.path("generation").asInt(), data.path("step_id").asInt(), data.path("progress").asInt(),
        data.path("job_progress").asInt(), data.path("message").isString() ? data.path("message").asString() : "", event.createdAt()));
  }

  private static double seconds(Duration interval) {
    return interval.toMillis() / 1000.0;
  }

  private void relayAfterCommit(JobEvent event) {
    AfterCommit.run(() -> relay.publish(event));
  }

  /** The job's events after {@code afterSeq} (0 for all), oldest first. */
  public List<JobEvent> after(UUID jobId, long afterSeq) {
    return jdbc.sql("""
            SELECT * FROM (
              SELECT seq, job_id, event, status, message, data, created_at,
                     coalesce(lag(seq) OVER (ORDER BY seq), 0) AS previous_seq
              FROM job_history WHERE job_id = :job) h
            WHERE seq > :after ORDER BY seq""")
        .param("job", jobId).param("after", afterSeq)
        .query(this::event).list();
  }

  private JobEvent event(ResultSet rs, int row) throws SQLException {
    return new JobEvent(rs.getLong("seq"), rs.getObject("job_id", UUID.class), rs.getString("event"),
        rs.getString("status"), rs.getString("message"), json.readTree(rs.getString("data")),
        rs.getTimestamp("created_at").toInstant(), rs.getLong("previous_seq"));
  }
}
