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
    Instant storedAt)
    implements DomainEvent {

  @Override
  public String aggregateId() {
    return assetId.toString();
  }
}
