package io.emprops.events.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * A generation job was accepted (status {@code pending}) and needs credits: the first step of the
 * generation saga. credits-service answers {@link CreditsReserved} or
 * {@link CreditsReservationRejected}.
 *
 * @param amount credits to reserve: workflow cost × generations
 * @param generations how many generations the job runs
 */
@EventType(value = "GenerationRequested.v1", topic = Topic.GENERATIONS)
public record GenerationRequested(
    UUID jobId, String userId, UUID collectionId, long amount, int generations, Instant requestedAt)
    implements DomainEvent {

  @Override
  public String aggregateId() {
    return jobId.toString();
  }
}
