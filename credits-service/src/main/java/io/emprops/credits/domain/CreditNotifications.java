package io.emprops.credits.domain;

/**
 * What the credit rules announce to other services, called inside the transaction of the change
 * it announces (the messaging adapter writes it to the outbox).
 */
public interface CreditNotifications {

  void granted(GrantReceipt receipt);

  /** The job's reservation decision (also when re-announced for a repeated request). */
  void decided(ReservationDecision decision);

  /** A job's hold ended: what was charged and what became available again. */
  void settled(Settlement settlement);
}
