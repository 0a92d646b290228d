package io.emprops.credits.domain;

import io.emprops.credits.persistence.ReservationRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * {@code credits_reservations_total{outcome}}, {@code credits_ledger_writes_total{kind}},
 * {@code credits_reservations_active} and {@code credits_reservation_oldest_age_seconds} (how long
 * the oldest hold has waited for its job to end: a stuck saga shows here first).
 */
@Component
public class CreditMetrics {

  private final Map<ReservationOutcome, Counter> reservations = new EnumMap<>(ReservationOutcome.class);
  private final Map<LedgerKind, Counter> ledgerWrites = new EnumMap<>(LedgerKind.class);

  public CreditMetrics(MeterRegistry registry, ReservationRepository repository) {
    for (ReservationOutcome outcome : ReservationOutcome.values()) {
      reservations.put(outcome, Counter.builder("credits.reservations")
          .description("Reservation requests by outcome")
          .tag("outcome", outcome.name().toLowerCase()).register(registry));
    }
    for (LedgerKind kind : LedgerKind.values()) {
      ledgerWrites.put(kind, Counter.builder("credits.ledger.writes")
          .description("Ledger entries written").tag("kind", kind.wireName()).register(registry));
    }
    Gauge.builder("credits.reservations.active", repository, r -> r.activeCount())
        .description("Reservations holding credits").register(registry);
    Gauge.builder("credits.reservation.oldest.age", repository, r -> r.oldestActiveAge().toMillis() / 1000.0)
        .description("Age of the oldest active reservation").baseUnit("seconds").register(registry);
  }

  void reservation(ReservationOutcome outcome) {
    reservations.get(outcome).increment();
  }

  void ledgerWrite(LedgerKind kind) {
    ledgerWrites.get(kind).increment();
  }
}
