package io.emprops.events.connect;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * Gives a record routed by Debezium's Outbox Event Router the Kafka headers of the event itself —
 * the entries of the outbox row's {@code headers} column ({@code eventId}, {@code eventType},
 * {@code occurredAt}, {@code traceparent}), as UTF-8 strings, and nothing else (the router's
 * {@code id} header goes) — and, as its timestamp, the commit time of the transaction that wrote it.
 *
 * <p>Both relay modes run it after the router: the embedded relay, and Debezium's connector on
 * Kafka Connect, where it is the one class of the {@code emprops-connect-plugin} jar (it needs only
 * the Connect API and the Jackson that Kafka ships). So either way a consumer reads the same
 * records. Records without the column (Debezium's heartbeats) pass unchanged.
 *
 * <p>Configure after the router: {@code transforms=outbox,eventHeaders},
 * {@code transforms.eventHeaders.type=io.emprops.events.connect.OutboxEventHeaders}, and the
 * router's {@code table.fields.additional.placement=headers:header:headers}.
 */
public class OutboxEventHeaders<R extends ConnectRecord<R>> implements Transformation<R> {

  /** The header the router fills from the outbox's {@code headers} column. */
  public static final String HEADERS_COLUMN = "headers";
  /** Commit time of the record's transaction (µs), in the Postgres connector's source offset. */
  public static final String COMMIT_MICROS_OFFSET = "ts_usec";
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

  private final ObjectMapper json = new ObjectMapper();

  @Override
  public R apply(R record) {
    Header column = record.headers().lastWithName(HEADERS_COLUMN);
    if (column == null) {
      return record;
    }
    if (!(column.value() instanceof String headersJson)) {
      throw new DataException("outbox record on " + record.topic() + " with a non-text headers column");
    }
    ConnectHeaders headers = new ConnectHeaders();
    try {
      json.readValue(headersJson, STRING_MAP).forEach(headers::addString);
    } catch (Exception e) {
      throw new DataException("unreadable outbox headers on " + record.topic() + ": " + e.getMessage(), e);
    }
    return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
        record.valueSchema(), record.value(), commitMillis(record), headers);
  }

  /** When the record's transaction committed, else the timestamp it has. */
  public static Long commitMillis(ConnectRecord<?> record) {
    if (record instanceof SourceRecord source && source.sourceOffset() != null
        && source.sourceOffset().get(COMMIT_MICROS_OFFSET) instanceof Number micros) {
      return micros.longValue() / 1_000;
    }
    return record.timestamp();
  }

  @Override
  public ConfigDef config() {
    return new ConfigDef();
  }

  @Override
  public void configure(Map<String, ?> configs) {
    // nothing to configure
  }

  @Override
  public void close() {
    // nothing held
  }
}
