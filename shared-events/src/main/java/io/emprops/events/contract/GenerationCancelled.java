package io.emprops.events.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * The owner cancelled the job (status {@code cancelled}). credits-service charges
 * {@code amount_spent} and releases the rest of the reservation.
 */
@EventType(value = "GenerationCancelled.v1", topic = Topic.GENERATIONS)
public record GenerationCancelled(
    UUID jobId, String userId, UUID collectionId, long amountSpent, Instant cancelledAt)
    implements DomainEvent {

  @Override
  public String aggregateId() {
    return jobId.toString();
  }
}
