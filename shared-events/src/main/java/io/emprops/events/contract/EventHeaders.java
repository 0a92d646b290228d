package io.emprops.events.contract;

/** The Kafka headers every event carries (values are UTF-8 strings). */
public final class EventHeaders {

  /** A UUID, unique per event: the inbox's idempotency key. */
  public static final String EVENT_ID = "eventId";
  /** The versioned type name, e.g. {@code GenerationRequested.v1}. */
  public static final String EVENT_TYPE = "eventType";
  /** ISO-8601 UTC instant at which the producer wrote the event. */
  public static final String OCCURRED_AT = "occurredAt";
  /** W3C trace context of the request that produced the event. */
  public static final String TRACEPARENT = "traceparent";

  private EventHeaders() {}
}
