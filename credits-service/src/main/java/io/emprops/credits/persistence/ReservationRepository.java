package io.emprops.credits.persistence;

import io.emprops.credits.domain.Reservation;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class ReservationRepository {

  private static final RowMapper<Reservation> RESERVATION = (rs, n) -> new Reservation(
      rs.getObject("job_id", UUID.class), rs.getString("user_id"), rs.getLong("amount"),
      rs.getLong("spent"), rs.getString("status"));

  private final JdbcClient jdbc;

  public ReservationRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Claims the job's reservation row; false when the job already has one (any status). */
  public boolean claim(UUID jobId, String userId, long amount, String status) {
    return jdbc.sql("""
            INSERT INTO reservations (job_id, user_id, amount, status) VALUES (:job, :user, :amount, :status)
            ON CONFLICT (job_id) DO NOTHING""")
        .param("job", jobId).param("user", userId).param("amount", amount).param("status", status)
        .update() == 1;
  }

  public Optional<Reservation> find(UUID jobId) {
    return jdbc.sql("SELECT * FROM reservations WHERE job_id = :job")
        .param("job", jobId).query(RESERVATION).optional();
  }

  /** The row, locked until the transaction ends (settlements of one job serialise). */
  public Optional<Reservation> lock(UUID jobId) {
    return jdbc.sql("SELECT * FROM reservations WHERE job_id = :job FOR UPDATE")
        .param("job", jobId).query(RESERVATION).optional();
  }

  public void reject(UUID jobId) {
    jdbc.sql("UPDATE reservations SET status = 'rejected', settled_at = now() WHERE job_id = :job")
        .param("job", jobId).update();
  }

  public void settle(UUID jobId, long spent, String outcome) {
    jdbc.sql("""
            UPDATE reservations SET status = 'settled', spent = :spent, outcome = :outcome, settled_at = now()
            WHERE job_id = :job AND status = 'active'""")
        .param("job", jobId).param("spent", spent).param("outcome", outcome).update();
  }

  public long activeCount() {
    return jdbc.sql("SELECT count(*) FROM reservations WHERE status = 'active'").query(Long.class).single();
  }

  /** How long the oldest active reservation has been held (zero when none). */
  public Duration oldestActiveAge() {
    return jdbc.sql("SELECT min(created_at) FROM reservations WHERE status = 'active'")
        .query((rs, n) -> rs.getTimestamp(1))
        .optional()
        .filter(java.util.Objects::nonNull)
        .map(t -> Duration.between(t.toInstant(), Instant.now()))
        .orElse(Duration.ZERO);
  }
}
