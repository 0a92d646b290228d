package io.emprops.events.inbox;

/** A checked exception thrown by an inbox handler, carried to the error handler. */
public class InboxHandlerException extends RuntimeException {

  public InboxHandlerException(String consumer, EventMetadata metadata, Exception cause) {
    super("inbox handler " + consumer + " failed on " + metadata.eventType() + " " + metadata.eventId(), cause);
  }
}
