package io.emprops.generator.progress;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * A job's history, which is also its event stream: an event is appended in the transaction that
 * changes the job and relayed to live clients only once that transaction committed, so a client
 * never sees an event that was rolled back, and replay from the history never misses one.
 */
@Component
public class JobEventLog {

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
    JobEvent appended = jdbc.sql("""
            WITH previous AS (SELECT coalesce(max(seq), 0) AS seq FROM job_history WHERE job_id = :job)
            INSERT INTO job_history (job_id, status, event, message, data)
            VALUES (:job, :status, :event, :message, :data::jsonb)
            RETURNING seq, job_id, event, status, message, data, created_at, (SELECT seq FROM previous) AS previous_seq""")
        .param("job", jobId).param("status", status).param("event", event).param("message", message)
        .param("data", json.writeValueAsString(body))
        .query(this::event).single();
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
        @Override
        public void afterCommit() {
          relay.publish(appended);
        }
      });
    } else {
      relay.publish(appended);
    }
    return appended;
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
