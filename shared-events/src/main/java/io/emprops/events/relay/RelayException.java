package io.emprops.events.relay;

/** The relay engine cannot go on; it stops and the supervisor restarts it after a backoff. */
public class RelayException extends RuntimeException {

  public RelayException(String message, Throwable cause) {
    super(message, cause);
  }
}
