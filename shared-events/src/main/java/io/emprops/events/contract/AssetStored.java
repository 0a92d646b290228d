package io.emprops.events.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * An asset is durably stored: an upload, or a generation output handed over by
 * {@link GenerationStepCompleted} (then {@code job_id}, {@code generation} and {@code step_id}
 * say which one; they are null for uploads).
 *
 * @param url the asset's durable URL
 * @param cdnUrl the public CDN URL, null when no CDN is configured
 * @param size bytes
 * @param sha256 hex digest of the content
 * @param outputIndex for a generation output, its position among its step's files (as
 *     {@link GenerationStepCompleted#fileIndex()}); null for uploads and in events written before
 *     the field was added (then the step's only file, 0)
 */
@EventType(value = "AssetStored.v1", topic = Topic.ASSETS)
public record AssetStored(
    UUID assetId,
    String userId,
    UUID collectionId,
    UUID jobId,
    Integer generation,
    Integer stepId,
    String url,
    String cdnUrl,
    String mimeType,
    long size,
    String sha256,
    Instant storedAt,
    Integer outputIndex)
    implements DomainEvent {

  /** As written before {@code output_index} existed. */
  public AssetStored(UUID assetId, String userId, UUID collectionId, UUID jobId, Integer generation, Integer stepId,
      String url, String cdnUrl, String mimeType, long size, String sha256, Instant storedAt) {
    this(assetId, userId, collectionId, jobId, generation, stepId, url, cdnUrl, mimeType, size, sha256, storedAt,
        null);
  }

  /** For a generation output, its position among its step's files ({@code output_index}; 0 when absent). */
  public int fileIndex() {
    return outputIndex == null ? 0 : outputIndex;
  }

  @Override
  public String aggregateId() {
    return assetId.toString();
  }
}
