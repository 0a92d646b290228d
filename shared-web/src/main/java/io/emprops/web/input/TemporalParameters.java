package io.emprops.web.input;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import org.springframework.core.convert.converter.Converter;
import org.springframework.format.FormatterRegistry;

/**
 * How request parameters become dates: ISO-8601 date-times ({@code 2026-01-31T00:00:00Z}) or
 * dates ({@code 2026-01-31}, the start of that day in UTC), within {@link TemporalRange}. Anything
 * else fails the conversion, which the error mapping answers with a 400 naming the parameter.
 */
public final class TemporalParameters {

  public static final String RULE =
      "must be an ISO-8601 date-time (2026-01-31T00:00:00Z) or date (2026-01-31) between years 0001 and 9999";

  private TemporalParameters() {}

  public static void register(FormatterRegistry registry) {
    registry.addConverter(String.class, Instant.class, (Converter<String, Instant>) TemporalParameters::instant);
    registry.addConverter(String.class, OffsetDateTime.class,
        (Converter<String, OffsetDateTime>) value -> instant(value).atOffset(ZoneOffset.UTC));
  }

  public static Instant instant(String value) {
    Instant instant;
    try {
      instant = value.contains("T") ? OffsetDateTime.parse(value).toInstant()
          : LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new InvalidParameterValue(RULE);
    }
    if (!TemporalRange.isInRange(instant)) {
      throw new InvalidParameterValue(RULE);
    }
    return instant;
  }
}
