package io.emprops.events.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * Credits were added to an account: the starting grant of a new user or an admin grant.
 *
 * @param balance the account's balance after the grant
 */
@EventType(value = "CreditsGranted.v1", topic = Topic.CREDITS)
public record CreditsGranted(
    UUID grantId, String userId, long amount, long balance, String reason, Instant grantedAt)
    implements DomainEvent {

  @Override
  public String aggregateId() {
    return userId;
  }
}
