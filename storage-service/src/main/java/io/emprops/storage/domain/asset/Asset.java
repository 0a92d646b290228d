package io.emprops.storage.domain.asset;

import java.time.Instant;
import java.util.UUID;

/**
 * A stored file: an upload ({@code jobId} null) or one output file of one step of one generation.
 *
 * @param outputIndex for a generation output, its position among its step's files (null for uploads)
 * @param objectKey where its object is; never derived from client input beyond a sanitised file name
 * @param sha256 hex digest of the content
 */
public record Asset(
    UUID id,
    String userId,
    UUID collectionId,
    UUID jobId,
    Integer generation,
    Integer stepId,
    Integer outputIndex,
    String objectKey,
    String fileName,
    String mimeType,
    long size,
    String sha256,
    Instant createdAt) {

  public boolean isGenerated() {
    return jobId != null;
  }
}
