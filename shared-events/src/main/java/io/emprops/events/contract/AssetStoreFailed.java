package io.emprops.events.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * A generation output named by a {@link GenerationStepCompleted} will not be stored: the generator
 * marks the output failed (the job cannot complete with it, and is not charged for it). Keyed by
 * the job, so the failures of one job stay in order.
 *
 * @param generation, stepId, outputIndex which output: as in the {@code GenerationStepCompleted}
 * @param fileName the file name the generator gave it
 * @param code {@value #REFUSED} (the output can never be read as it is: a URL the outbound rules
 *     forbid, a malformed {@code data:} URL, over the size limit, the source answered a client
 *     error), {@value #UNREACHABLE} (its source could not be read within the attempts) or
 *     {@value #STORE_UNAVAILABLE} (the object store failed within the attempts)
 * @param reason what went wrong, for people
 */
@EventType(value = "AssetStoreFailed.v1", topic = Topic.ASSETS)
public record AssetStoreFailed(
    UUID jobId,
    String userId,
    UUID collectionId,
    int generation,
    int stepId,
    int outputIndex,
    String fileName,
    String code,
    String reason,
    Instant failedAt)
    implements DomainEvent {

  public static final String REFUSED = "REFUSED";
  public static final String UNREACHABLE = "UNREACHABLE";
  public static final String STORE_UNAVAILABLE = "STORE_UNAVAILABLE";

  @Override
  public String aggregateId() {
    return jobId.toString();
  }
}
