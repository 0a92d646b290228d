package io.emprops.events.inbox;

import io.emprops.events.outbox.SqlIdentifiers;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The service's record of handled events, {@code <schema>.inbox}. Claims are made inside the
 * handler's transaction, so a claim commits exactly when the handler's effects do.
 */
public class Inbox {

  private final JdbcTemplate jdbc;
  private final String claimSql;
  private final String purgeSql;

  public Inbox(DataSource dataSource, String schema) {
    this.jdbc = new JdbcTemplate(dataSource);
    String table = SqlIdentifiers.requirePlain(schema) + ".inbox";
    this.claimSql = "INSERT INTO " + table + " (consumer_name, event_id, event_type) VALUES (?, ?, ?)"
        + " ON CONFLICT (consumer_name, event_id) DO NOTHING";
    this.purgeSql = "DELETE FROM " + table + " WHERE handled_at < now() - make_interval(secs => ?)";
  }

  /**
   * Records that {@code consumer} handles the event, in the caller's transaction.
   *
   * @return false if the consumer handled it already (or does so concurrently and commits first):
   *     the caller must then skip its effects
   */
  public boolean claim(String consumer, UUID eventId, String eventType) {
    // ON CONFLICT instead of catching the duplicate-key error, which would abort the transaction.
    // A concurrent claim of the same event waits here until the other transaction ends.
    return jdbc.update(claimSql, consumer, eventId, eventType) == 1;
  }

  /**
   * Forgets claims older than {@code retention}. Kafka redelivers within minutes; the retention
   * only has to outlast that (and any replay from a dead-letter topic).
   *
   * @return how many claims were deleted
   */
  public int purgeOlderThan(Duration retention) {
    return jdbc.update(purgeSql, (double) retention.toSeconds());
  }
}
