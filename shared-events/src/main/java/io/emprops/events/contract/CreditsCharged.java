package io.emprops.events.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * Reserved credits of a finished job were spent (ledger kind {@code charge}).
 *
 * @param balance the account's balance after the charge
 */
@EventType(value = "CreditsCharged.v1", topic = Topic.CREDITS)
public record CreditsCharged(UUID jobId, String userId, long amount, long balance, Instant chargedAt)
    implements DomainEvent {

  @Override
  public String aggregateId() {
    return userId;
  }
}
