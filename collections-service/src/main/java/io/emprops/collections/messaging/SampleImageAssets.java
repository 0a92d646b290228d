package io.emprops.collections.messaging;

import io.emprops.collections.domain.SampleImages;
import io.emprops.events.contract.AssetDeleted;
import io.emprops.events.contract.AssetStored;
import io.emprops.events.inbox.InboxHandler;
import org.springframework.stereotype.Component;

/**
 * Keeps a collection's sample images in step with the storage service: an image a generation
 * job produced for a collection becomes one of its samples; a deleted asset leaves it.
 */
@Component
class SampleImageAssets {

  private final SampleImages sampleImages;

  SampleImageAssets(SampleImages sampleImages) {
    this.sampleImages = sampleImages;
  }

  @InboxHandler("collections.record-sample-image")
  void stored(AssetStored asset) {
    if (isSampleImage(asset)) {
      sampleImages.record(asset.assetId(), asset.collectionId(), publicUrlOf(asset), null, asset.storedAt());
    }
  }

  @InboxHandler("collections.forget-sample-image")
  void deleted(AssetDeleted asset) {
    sampleImages.forget(asset.assetId());
  }

  /**
   * Generation outputs of a collection that are images. Uploads (no job) are the owner's own files,
   * such as covers, not samples of what the collection generates.
   */
  static boolean isSampleImage(AssetStored asset) {
    return asset.collectionId() != null && asset.jobId() != null
        && asset.mimeType() != null && asset.mimeType().startsWith("image/");
  }

  /** Browsers need the CDN address; the durable url may be an object-store location (s3://…). */
  private static String publicUrlOf(AssetStored asset) {
    return asset.cdnUrl() != null ? asset.cdnUrl() : asset.url();
  }
}
