package io.emprops.credits.messaging;

import io.emprops.credits.domain.CreditNotifications;
import io.emprops.credits.domain.GrantReceipt;
import io.emprops.credits.domain.ReservationDecision;
import io.emprops.credits.domain.Settlement;
import io.emprops.events.contract.CreditsCharged;
import io.emprops.events.contract.CreditsGranted;
import io.emprops.events.contract.CreditsReleased;
import io.emprops.events.contract.CreditsReservationRejected;
import io.emprops.events.contract.CreditsReserved;
import io.emprops.events.outbox.Outbox;
import java.time.Clock;
import org.springframework.stereotype.Component;

/** Publishes the credits events of {@code emprops.credits} through the transactional outbox. */
@Component
class OutboxCreditNotifications implements CreditNotifications {

  static final String INSUFFICIENT_CREDITS = "INSUFFICIENT_CREDITS";
  static final String JOB_ALREADY_ENDED = "JOB_ALREADY_ENDED";

  private final Outbox outbox;
  private final Clock clock;

  OutboxCreditNotifications(Outbox outbox) {
    this.outbox = outbox;
    this.clock = Clock.systemUTC();
  }

  @Override
  public void granted(GrantReceipt receipt) {
    outbox.publish(new CreditsGranted(receipt.id(), receipt.userId(), receipt.amount(),
        receipt.balance().balance(), receipt.reason(), receipt.createdAt()));
  }

  @Override
  public void decided(ReservationDecision decision) {
    var reservation = decision.reservation();
    long available = decision.balance().available();
    switch (reservation.status()) {
      case "active", "settled" -> outbox.publish(new CreditsReserved(reservation.jobId(), reservation.userId(),
          reservation.amount(), available, clock.instant()));
      case "rejected" -> outbox.publish(new CreditsReservationRejected(reservation.jobId(), reservation.userId(),
          reservation.amount(), available, INSUFFICIENT_CREDITS, clock.instant()));
      case "closed" -> outbox.publish(new CreditsReservationRejected(reservation.jobId(), reservation.userId(),
          reservation.amount(), available, JOB_ALREADY_ENDED, clock.instant()));
      default -> throw new IllegalStateException("unknown reservation status " + reservation.status());
    }
  }

  @Override
  public void settled(Settlement settlement) {
    if (!settlement.happened()) {
      return;
    }
    if (settlement.charged() > 0) {
      outbox.publish(new CreditsCharged(settlement.jobId(), settlement.userId(), settlement.charged(),
          settlement.balance().balance(), clock.instant()));
    }
    outbox.publish(new CreditsReleased(settlement.jobId(), settlement.userId(), settlement.released(),
        settlement.balance().available(), clock.instant()));
  }
}
