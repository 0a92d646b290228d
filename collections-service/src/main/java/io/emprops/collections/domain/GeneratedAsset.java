package io.emprops.collections.domain;

import java.time.Instant;
import java.util.UUID;

/**
 * An asset the storage service stored as the output of a generation step (AssetStored with a job).
 *
 * @param userId whose asset it is: the user who ran the generation
 * @param collectionId the collection the job ran
 */
public record GeneratedAsset(
    UUID assetId, String userId, UUID collectionId, UUID jobId, int generation, Integer stepId, Instant storedAt) {

  public boolean isOwnedBy(String caller) {
    return userId.equals(caller);
  }
}
