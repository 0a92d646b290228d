package io.emprops.events.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * A generation job could not reserve its credits; the generator fails it and the API answers
 * 402 {@code INSUFFICIENT_CREDITS}.
 *
 * @param amount what the job asked for
 * @param available what the account had available
 * @param reason machine code, e.g. {@code INSUFFICIENT_CREDITS}
 */
@EventType(value = "CreditsReservationRejected.v1", topic = Topic.CREDITS)
public record CreditsReservationRejected(
    UUID jobId, String userId, long amount, long available, String reason, Instant rejectedAt)
    implements DomainEvent {

  @Override
  public String aggregateId() {
    return userId;
  }
}
