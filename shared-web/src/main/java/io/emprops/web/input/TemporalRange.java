package io.emprops.web.input;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.Temporal;

/**
 * The dates a client may send: years 1 to 9999, what ISO-8601 writes with four digits and what
 * every store of the suite (Postgres {@code timestamptz}, JSON, Kafka records) keeps as sent.
 * Java accepts years up to ±999,999,999; Postgres ends at 294276 AD, so anything beyond used to
 * fail in the database (500).
 */
public final class TemporalRange {

  public static final String RULE = "must be a date between years 0001 and 9999";
  static final Instant MIN = Instant.parse("0001-01-01T00:00:00Z");
  static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999999999Z");

  private TemporalRange() {}

  /** Whether {@code value} (any java.time date or date-time; other values pass) is in range. */
  public static boolean isInRange(Object value) {
    Instant instant = switch (value) {
      case Instant i -> i;
      case OffsetDateTime o -> o.toInstant();
      case ZonedDateTime z -> z.toInstant();
      case LocalDateTime l -> l.toInstant(ZoneOffset.UTC);
      case LocalDate d -> d.atStartOfDay().toInstant(ZoneOffset.UTC);
      case null, default -> null;
    };
    return instant == null || (!instant.isBefore(MIN) && !instant.isAfter(MAX));
  }

  public static boolean isTemporal(Class<?> type) {
    return Temporal.class.isAssignableFrom(type);
  }
}
