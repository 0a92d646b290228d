package io.emprops.events.inbox;

import io.emprops.events.contract.EventHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The envelope of a consumed event: its headers and where it was read from.
 *
 * @param occurredAt when the producer wrote it
 * @param traceparent W3C trace context of the producing request, empty if the producer sent none
 */
public record EventMetadata(
    UUID eventId,
    String eventType,
    Instant occurredAt,
    Optional<String> traceparent,
    String topic,
    int partition,
    long offset) {

  /**
   * @throws MalformedEventException when a required header is missing or unreadable
   */
  public static EventMetadata of(ConsumerRecord<?, ?> record) {
    String eventId = requiredHeader(record, EventHeaders.EVENT_ID);
    String eventType = requiredHeader(record, EventHeaders.EVENT_TYPE);
    String occurredAt = requiredHeader(record, EventHeaders.OCCURRED_AT);
    try {
      return new EventMetadata(UUID.fromString(eventId), eventType, Instant.parse(occurredAt),
          Optional.ofNullable(header(record, EventHeaders.TRACEPARENT)),
          record.topic(), record.partition(), record.offset());
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new MalformedEventException("unreadable event headers at " + position(record), e);
    }
  }

  private static String requiredHeader(ConsumerRecord<?, ?> record, String name) {
    String value = header(record, name);
    if (value == null || value.isBlank()) {
      throw new MalformedEventException("no " + name + " header at " + position(record), null);
    }
    return value;
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static String position(ConsumerRecord<?, ?> record) {
    return record.topic() + "-" + record.partition() + "@" + record.offset();
  }
}
