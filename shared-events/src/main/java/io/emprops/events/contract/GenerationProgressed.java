package io.emprops.events.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * A worker reported progress on a step of a running job. Published with the job's progress events
 * (the ones its streams carry), so at most once per {@code emprops.generator.execution.progress-interval}
 * per job across instances; a consumer that needs fewer coalesces further (webhooks: 2 a second).
 *
 * @param stepProgress the step's progress (0-100)
 * @param progress the job's progress over all its steps (0-100)
 * @param message the worker's message, empty when it sent none
 */
@EventType(value = "GenerationProgressed.v1", topic = Topic.GENERATIONS)
public record GenerationProgressed(
    UUID jobId,
    String userId,
    UUID collectionId,
    int generation,
    int stepId,
    int stepProgress,
    int progress,
    String message,
    Instant progressedAt)
    implements DomainEvent {

  @Override
  public String aggregateId() {
    return jobId.toString();
  }
}
