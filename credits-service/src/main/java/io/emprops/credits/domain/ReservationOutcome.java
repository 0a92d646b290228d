package io.emprops.credits.domain;

/** How a reservation request ended; {@code DUPLICATE} and {@code TOO_LATE} change nothing. */
public enum ReservationOutcome {
  /** Credits are held for the job. */
  RESERVED,
  /** Not enough available credits. */
  REJECTED,
  /** The job already had a reservation decision; the earlier one stands. */
  DUPLICATE,
  /** The job already ended (its terminal event came first): nothing is held. */
  TOO_LATE
}
