package io.emprops.events.relay;

/** Where one instance's relay is in its life. */
public enum RelayState {
  /** Not started, or stopped with the application. */
  STOPPED,
  /** Another instance leads; this one takes over when it can. */
  STANDBY,
  /** This instance leads and its engine is starting. */
  STARTING,
  /** This instance leads and its engine streams the outbox to Kafka. */
  RELAYING,
  /** The engine died; this instance backs off, then contends for leadership again. */
  FAILED,
  /**
   * A connector on Kafka Connect relays ({@link RelayMode#KAFKA_CONNECT}); this instance keeps the
   * slot prepared and watches its lag.
   */
  EXTERNAL
}
