package io.emprops.generator.progress;

import io.emprops.generator.persistence.JobRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
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
  private static final String RETURNING_EVENT =
      "RETURNING seq, job_id, event, status, message, data, created_at, (SELECT seq FROM previous) AS previous_seq";

  private final JdbcClient jdbc;
  private final JobEventRelay relay;
  private final JsonMapper json;

  public JobEventLog(JdbcClient jdbc, JobEventRelay relay, JsonMapper json) {
    this.jdbc = jdbc;
    this.relay = relay;
    this.json = json;
  }

  /** Records an event of {@code jobId} and relays it after commit. */
  public JobEvent append(UUID jobId, String status, String event, String message, JsonNode data) {
    JsonNode body = data == null ? JsonNodeFactory.instance.objectNode() : data;
    // A job's events are appended one transaction at a time (on the job's row lock, which its
    // writers hold already), so seq order is commit order and each event knows its predecessor.
    jdbc.sql("SELECT id FROM jobs WHERE id = :job FOR UPDATE").param("job", jobId).query(UUID.class).optional();
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
   * Appends a {@link JobEvent#NODE_PROGRESS} event with {@code data}, unless the job had one
   * within {@code interval}: a throttle shared by every instance, claimed by a conditional update
   * of the job's row that also stores the job's progress, recomputed from its steps and added to
   * the event as {@code job_progress}. One statement, for the engine's most frequent event; the
   * caller holds the job's row lock already (which {@link #append} takes itself).
   *
   * @return the event, unless throttled (or the job has ended)
   */
  public Optional<JobEvent> appendProgress(UUID jobId, Duration interval, String message, ObjectNode data) {
    Optional<JobEvent> appended = jdbc.sql("""
            WITH claimed AS (
              UPDATE jobs SET progress_event_at = now(), progress = """ + JobRepository.PROGRESS_FROM_STEPS + """
              , updated_at = now()
              WHERE id = :job AND status IN ('queued', 'processing')
                AND (progress_event_at IS NULL OR progress_event_at <= now() - make_interval(secs => :interval))
              RETURNING id, progress),
            """ + PREVIOUS + """
            INSERT INTO job_history (job_id, status, event, message, data)
            SELECT id, 'processing', :event, :message, :data::jsonb || jsonb_build_object('job_progress', progress)
            FROM claimed
            """ + RETURNING_EVENT)
        .param("job", jobId).param("interval", interval.toMillis() / 1000.0).param("event", JobEvent.NODE_PROGRESS)
        .param("message", message).param("data", json.writeValueAsString(data))
        .query(this::event).optional();
    appended.ifPresent(this::relayAfterCommit);
    return appended;
  }

  private void relayAfterCommit(JobEvent event) {
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
        @Override
        public void afterCommit() {
          relay.publish(event);
        }
      });
    } else {
      relay.publish(event);
    }
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
