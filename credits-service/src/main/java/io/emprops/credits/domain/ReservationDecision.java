package io.emprops.credits.domain;

/** The outcome of a reservation request, the job's reservation and the account afterwards. */
public record ReservationDecision(ReservationOutcome outcome, Reservation reservation, Balance balance) {}
