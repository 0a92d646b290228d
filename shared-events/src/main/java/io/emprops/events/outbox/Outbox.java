package io.emprops.events.outbox;

import io.emprops.events.contract.DomainEvent;
import io.emprops.events.contract.EventCatalog;
import io.emprops.events.contract.EventDescriptor;
import io.emprops.events.contract.EventHeaders;
import io.emprops.events.contract.EventJson;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.SqlTypeValue;
import org.springframework.jdbc.core.StatementCreatorUtils;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Publishes events the transactional-outbox way: inside the caller's transaction it inserts each
 * event into {@code <schema>.outbox} and deletes it again. The relay reads the insert from the
 * write-ahead log once the transaction commits, so an event is published if and only if the
 * business change it describes is committed, and the table itself stays empty.
 *
 * <p>Plain JDBC on the service's {@link DataSource}, so it joins JPA and JDBC transactions alike.
 *
 * <pre>{@code
 * @Transactional
 * public Job submit(...) {
 *   Job job = jobs.save(...);
 *   outbox.publish(new GenerationRequested(job.id(), userId, collectionId, cost, n, now));
 *   return job;
 * }
 * }</pre>
 */
public class Outbox {

  private static final String VALUES_ROW = "(?, ?, ?, ?, ?::jsonb, ?::jsonb, ?)";
  /** Bounds a statement's parameters (seven per event) well below PostgreSQL's 65,535. */
  static final int MAX_ROWS_PER_STATEMENT = 1_000;

  private final DataSource dataSource;
  private final JdbcTemplate jdbc;
  private final List<TraceContextSource> traceSources;
  private final Clock clock;
  private final boolean commitSynchronously;
  private final String insertSql;
  private final String deleteSql;

  /**
   * @param schema the service's schema, which holds the {@code outbox} table
   * @param traceSources consulted in order for the current trace; a new root trace when none has one
   * @param commitSynchronously raise the transaction's {@code synchronous_commit} from
   *     {@code off}/{@code local} to {@code on}, see {@link #publishAll}
   */
  public Outbox(
      DataSource dataSource, String schema, List<TraceContextSource> traceSources, Clock clock,
      boolean commitSynchronously) {
    this.dataSource = dataSource;
    this.jdbc = new JdbcTemplate(dataSource);
    this.traceSources = List.copyOf(traceSources);
    this.clock = clock;
    this.commitSynchronously = commitSynchronously;
    String table = SqlIdentifiers.requirePlain(schema) + ".outbox";
    this.insertSql = "INSERT INTO " + table
        + " (id, aggregate_type, aggregate_id, type, payload, headers, created_at)"
        + " VALUES " + VALUES_ROW;
    this.deleteSql = "DELETE FROM " + table + " WHERE id = ANY (?)";
  }

  /**
   * Publishes one event when the caller's transaction commits.
   *
   * @return the event's id (its {@code eventId} header)
   * @throws IllegalTransactionStateException when no transaction on the service's DataSource is active
   */
  public UUID publish(DomainEvent event) {
    return publishAll(List.of(event)).getFirst();
  }

  /**
   * Publishes events when the caller's transaction commits, in the given order (events of one
   * aggregate are consumed in this order).
   *
   * <p>Unless configured otherwise, a transaction that publishes commits synchronously even where
   * the server's default is {@code synchronous_commit=off}: the relay can only read what the WAL
   * writer has flushed, so an asynchronous commit reaches it up to {@code wal_writer_delay} later.
   * Stronger settings ({@code remote_write}, {@code remote_apply}) are left as they are.
   *
   * @return the events' ids, in the same order
   * @throws IllegalTransactionStateException when no transaction on the service's DataSource is active
   */
  public List<UUID> publishAll(List<? extends DomainEvent> events) {
    requireCallersTransaction();
    if (events.isEmpty()) {
      return List.of();
    }
    Instant occurredAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
    String traceparent = currentTraceparent().headerValue();
    List<UUID> ids = new ArrayList<>(events.size());
    List<Object[]> rows = new ArrayList<>(events.size());
    for (DomainEvent event : events) {
      Objects.requireNonNull(event, "event");
      EventDescriptor descriptor = EventCatalog.of(event);
      UUID id = UUID.randomUUID();
      ids.add(id);
      rows.add(new Object[] {
          id,
          descriptor.topic().aggregateType(),
          event.aggregateId(),
          descriptor.type(),
          EventJson.serialize(event),
          headersJson(id, descriptor.type(), occurredAt, traceparent),
          occurredAt.atOffset(ZoneOffset.UTC)});
    }
    for (int from = 0; from < rows.size(); from += MAX_ROWS_PER_STATEMENT) {
      List<Object[]> chunk = rows.subList(from, Math.min(rows.size(), from + MAX_ROWS_PER_STATEMENT));
      List<UUID> chunkIds = ids.subList(from, from + chunk.size());
      jdbc.execute(publishSql(chunk.size(), from == 0 && commitSynchronously), (PreparedStatement statement) -> {
        int index = 1;
        for (Object[] row : chunk) {
          for (Object value : row) {
            StatementCreatorUtils.setParameterValue(statement, index++, SqlTypeValue.TYPE_UNKNOWN, value);
          }
        }
        statement.setArray(index, statement.getConnection().createArrayOf("uuid", chunkIds.toArray()));
        statement.execute();
        return null;
      });
    }
    return List.copyOf(ids);
  }

  /**
   * What publishing {@code rows} events sends: the commit setting, the insert and the delete as one
   * statement list, which the driver sends in one round trip (each still a statement of its own,
   * run in order: the delete sees the insert). Three round trips per publication were a third of
   * a short saga step's statements.
   */
  private String publishSql(int rows, boolean raiseCommitSetting) {
    StringBuilder sql = new StringBuilder();
    if (raiseCommitSetting) {
      sql.append("SELECT set_config('synchronous_commit', 'on', true)")
          .append(" WHERE current_setting('synchronous_commit') IN ('off', 'local'); ");
    }
    sql.append(insertSql);
    for (int i = 1; i < rows; i++) {
      sql.append(", ").append(VALUES_ROW);
    }
    return sql.append("; ").append(deleteSql).toString();
  }

  private void requireCallersTransaction() {
    // Without a transaction bound to this DataSource, the insert would commit on its own and the
    // event could be published for a business change that is later rolled back.
    if (!TransactionSynchronizationManager.isActualTransactionActive()
        || !TransactionSynchronizationManager.hasResource(dataSource)) {
      throw new IllegalTransactionStateException(
          "Outbox.publish must run inside the caller's transaction on the service's DataSource"
              + " (e.g. a @Transactional method), so that the event commits with the business change");
    }
  }

  private Traceparent currentTraceparent() {
    for (TraceContextSource source : traceSources) {
      var current = source.current();
      if (current.isPresent()) {
        return current.get();
      }
    }
    return Traceparent.newRoot();
  }

  private static String headersJson(UUID id, String type, Instant occurredAt, String traceparent) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(EventHeaders.EVENT_ID, id.toString());
    headers.put(EventHeaders.EVENT_TYPE, type);
    headers.put(EventHeaders.OCCURRED_AT, occurredAt.toString());
    headers.put(EventHeaders.TRACEPARENT, traceparent);
    return EventJson.mapper().writeValueAsString(headers);
  }
}
