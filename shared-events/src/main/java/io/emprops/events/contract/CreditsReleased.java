package io.emprops.events.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * Reserved credits a job did not spend went back to the account (ledger kind {@code release}).
 *
 * @param available the account's available credits after the release
 */
@EventType(value = "CreditsReleased.v1", topic = Topic.CREDITS)
public record CreditsReleased(UUID jobId, String userId, long amount, long available, Instant releasedAt)
    implements DomainEvent {

  @Override
  public String aggregateId() {
    return userId;
  }
}
