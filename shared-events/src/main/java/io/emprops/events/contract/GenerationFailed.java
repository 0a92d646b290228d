package io.emprops.events.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * The job failed (status {@code failed}). credits-service charges {@code amount_spent} (work
 * completed before the failure, which a retry reuses) and releases the rest of the reservation.
 *
 * @param code machine code, e.g. {@code GENERATION_FAILED}
 * @param failedStepId the step that failed, null when the job failed outside a step
 */
@EventType(value = "GenerationFailed.v1", topic = Topic.GENERATIONS)
public record GenerationFailed(
    UUID jobId,
    String userId,
    UUID collectionId,
    String code,
    String error,
    Integer failedStepId,
    long amountSpent,
    Instant failedAt)
    implements DomainEvent {

  @Override
  public String aggregateId() {
    return jobId.toString();
  }
}
