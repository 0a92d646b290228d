package io.emprops.events.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * Credits were reserved and the generator began executing the instruction set (status
 * {@code processing}).
 *
 * @param totalSteps generations × steps of the instruction set
 */
@EventType(value = "GenerationStarted.v1", topic = Topic.GENERATIONS)
public record GenerationStarted(
    UUID jobId, String userId, UUID collectionId, int generations, int totalSteps, Instant startedAt)
    implements DomainEvent {

  @Override
  public String aggregateId() {
    return jobId.toString();
  }
}
