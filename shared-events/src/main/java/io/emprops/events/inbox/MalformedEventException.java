package io.emprops.events.inbox;

/**
 * A record that is not a readable event (missing headers, payload that does not fit its
 * contract). Retrying cannot help: it goes to the dead-letter topic at once.
 */
public class MalformedEventException extends RuntimeException {

  public MalformedEventException(String message, Throwable cause) {
    super(message, cause);
  }
}
