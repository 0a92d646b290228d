package io.emprops.events.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * Credits were set aside for a generation job; the generator may start it. Keyed by the user's
 * account, like every credits event, so an account's ledger changes stay in order.
 *
 * @param available the account's available credits after the reservation
 */
@EventType(value = "CreditsReserved.v1", topic = Topic.CREDITS)
public record CreditsReserved(UUID jobId, String userId, long amount, long available, Instant reservedAt)
    implements DomainEvent {

  @Override
  public String aggregateId() {
    return userId;
  }
}
