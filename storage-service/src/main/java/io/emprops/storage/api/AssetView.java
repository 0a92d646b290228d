package io.emprops.storage.api;

import io.emprops.storage.domain.asset.Asset;
import io.emprops.storage.domain.asset.StoredAsset;
import java.time.Instant;
import java.util.UUID;

/**
 * An asset as API.md shows it: {@code id, url, cdn_url, mime_type, size, sha256}, plus its file
 * name, what it belongs to ({@code collection_id}; for a generation's output {@code job_id},
 * {@code generation}, {@code step_id} and {@code output_index}, its position among the step's
 * files) and when it was stored.
 */
public record AssetView(
    UUID id, String url, String cdnUrl, String mimeType, long size, String sha256, String fileName,
    UUID collectionId, UUID jobId, Integer generation, Integer stepId, Integer outputIndex, Instant createdAt) {

  static AssetView of(StoredAsset stored) {
    Asset a = stored.asset();
    return new AssetView(a.id(), stored.url(), stored.cdnUrl(), a.mimeType(), a.size(), a.sha256(), a.fileName(),
        a.collectionId(), a.jobId(), a.generation(), a.stepId(), a.outputIndex(), a.createdAt());
  }
}
