package io.emprops.events.contract;

import java.time.Instant;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * One step of one generation produced an output, held at a temporary location. storage-service
 * copies it to {@code generations/{user_id}/{job_id}/{generation}/{step_id}/{file_name}} and
 * answers {@link AssetStored} with the durable URL. It also carries the generation's input, so that
 * consumers can reproduce the output without asking the generator (collections-service makes a
 * collection from an asset with it).
 *
 * @param generation 0-based index of the generation within the job
 * @param stepId the step's id in the instruction set
 * @param outputUrl where the worker left the output (fetchable by storage-service)
 * @param hash the generation's hash, which seeds its {@code pick} draws (and derived seeds); null in
 *     events written before the field was added
 * @param variables the value every variable of the instruction set had in this generation (picks
 *     drawn, caller values, defaults), a JSON object by variable name; null like {@code hash}
 * @param outputIndex 0-based position of this file among the step's files (a step may return
 *     several images, one event each): with the job, generation and step, what identifies the file
 *     and its asset; null in events written before the field was added (then read from
 *     {@code file_name}, {@link #fileIndex()})
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
    Instant completedAt,
    String hash,
    JsonNode variables,
    Integer outputIndex)
    implements DomainEvent {

  private static final Pattern FURTHER_FILE = Pattern.compile("step-\\d+-(\\d+)\\..*");

  /** As written before {@code output_index} existed. */
  public GenerationStepCompleted(UUID jobId, String userId, UUID collectionId, int generation, int stepId,
      String outputUrl, String mimeType, String fileName, Instant completedAt, String hash, JsonNode variables) {
    this(jobId, userId, collectionId, generation, stepId, outputUrl, mimeType, fileName, completedAt, hash, variables,
        null);
  }

  /**
   * The file's position among its step's files: {@code output_index}, or for events written before
   * it, what the generator's file name says ({@code step-<id>.<ext>} is 0, {@code step-<id>-<n>.<ext>} is n).
   */
  public int fileIndex() {
    if (outputIndex != null) {
      return outputIndex;
    }
    Matcher further = fileName == null ? null : FURTHER_FILE.matcher(fileName);
    return further != null && further.matches() ? Integer.parseInt(further.group(1)) : 0;
  }

  @Override
  public String aggregateId() {
    return jobId.toString();
  }
}
