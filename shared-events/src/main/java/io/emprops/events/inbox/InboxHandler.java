package io.emprops.events.inbox;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method that handles one event contract, exactly once per event: the method runs in
 * a database transaction that first records {@code (consumer, event id)} in the service's inbox,
 * and an event already recorded is acknowledged without calling it again.
 *
 * <p>The method takes the event record and, optionally, its {@link EventMetadata}:
 *
 * <pre>{@code
 * @InboxHandler("credits.reserve-for-generation")
 * void reserve(GenerationRequested event, EventMetadata metadata) { ... }
 * }</pre>
 *
 * <p>An exception rolls the transaction back; the event is retried with backoff and, when the
 * retries are spent, parked on {@code <topic>.dlt} so that the partition moves on.
 */
@Documented
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface InboxHandler {

  /**
   * The consumer's name in the inbox, unique within the service per event type. Keep it stable:
   * a renamed consumer would take redelivered events for new ones.
   */
  String value();
}
