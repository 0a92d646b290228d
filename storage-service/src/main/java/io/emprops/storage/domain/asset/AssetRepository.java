package io.emprops.storage.domain.asset;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Asset rows. A deleted asset keeps its row (a tombstone) so that a late copy of the event that
 * produced it cannot bring it back; only live assets are found, listed and counted.
 */
public interface AssetRepository {

  Optional<Asset> findLive(UUID id);

  /** The live upload of {@code userId} with this content, if any (uploads are de-duplicated per user). */
  Optional<Asset> findLiveUpload(String userId, String sha256);

  /** Whether one output file of a generation's step already has its asset, live or deleted. */
  boolean generationOutputExists(UUID jobId, int generation, int stepId, int outputIndex);

  /**
   * Serialises the handling of one output file of a generation step across transactions and
   * instances, until the caller's transaction ends.
   */
  void lockGenerationOutput(UUID jobId, int generation, int stepId, int outputIndex);

  /** @return false, writing nothing, when the key, the generation output or the user's live upload of this content exists */
  boolean insert(Asset asset);

  /** Newest first. */
  List<Asset> page(String userId, AssetFilter filter, long offset, int limit);

  long count(String userId, AssetFilter filter);

  /** Marks the owner's live asset deleted; empty when there is none (or it is someone else's). */
  Optional<Asset> markDeleted(UUID id, String userId, Instant at);
}
