package io.emprops.generator.domain.job;

import io.emprops.events.contract.GenerationOutput;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * What the generation saga announces to other services, called inside the transaction of the
 * change it announces (the messaging adapter writes it to the outbox, so it goes out exactly when
 * the change commits).
 */
public interface GenerationNotifications {

  /** A job waits for credits-service to reserve its {@link Job#cost()}. */
  void requested(Job job);

  /**
   * The job's collection does not exist yet: collections-service is asked to create it with id
   * {@code collectionId} for the job's user, from {@code data} (the instruction set the job was
   * planned from) and the optional sale settings ({@code blockchain} one of the contract's names).
   */
  void collectionRequested(Job job, UUID collectionId, String title, JsonNode data, Integer editions,
      BigDecimal price, String blockchain);

  /** A worker started the job, which has {@code totalSteps} steps. */
  void started(Job job, int totalSteps);

  /**
   * A step produced output {@code index} of generation {@code generation}, for storage-service to
   * make durable from {@code location} (the worker's URL, or a {@code data:} URL for inline
   * output). {@code generationInput} is the generation's planned {@code hash} and {@code variables},
   * or a missing node.
   */
  void outputProduced(Job job, int generation, int stepId, int index, String location, String mimeType,
      String fileName, JsonNode generationInput);

  void completed(Job job, long spent, List<GenerationOutput> outputs);

  /** {@code failedStepId} is null when no step of the job ever ran. */
  void failed(Job job, String code, String message, Integer failedStepId, long spent);

  void cancelled(Job job, long spent);
}
