package io.emprops.events.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * One step of one generation produced an output, held at a temporary location. storage-service
 * copies it to {@code generations/{user_id}/{job_id}/{generation}/{step_id}/{file_name}} and
 * answers {@link AssetStored} with the durable URL.
 *
 * @param generation 0-based index of the generation within the job
 * @param stepId the step's id in the instruction set
 * @param outputUrl where the worker left the output (fetchable by storage-service)
 */
@EventType(value = "GenerationStepCompleted.v1", topic = Topic.GENERATIONS)
public record GenerationStepCompleted(
    UUID jobId,
    String userId,
    UUID collectionId,
    int generation,
    int stepId,
    String outputUrl,
    String mimeType,
    String fileName,
    Instant completedAt)
    implements DomainEvent {

  @Override
  public String aggregateId() {
    return jobId.toString();
  }
}
