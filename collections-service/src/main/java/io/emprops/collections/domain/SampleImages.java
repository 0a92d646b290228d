package io.emprops.collections.domain;

import io.emprops.collections.persistence.CollectionRepository;
import io.emprops.collections.persistence.SampleImageRepository;
import java.time.Instant;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** A collection's generated images, known from the storage service's AssetStored and AssetDeleted events. */
@Service
@Transactional
public class SampleImages {

  public static final int MAX_LISTED = 100;

  private final CollectionRepository collections;
  private final SampleImageRepository images;

  public SampleImages(CollectionRepository collections, SampleImageRepository images) {
    this.collections = collections;
    this.images = images;
  }

  /**
   * AssetStored for a collection's output. Idempotent per asset; an asset of a collection deleted
   * meanwhile is ignored.
   *
   * @return whether the image was recorded now
   */
  public boolean record(UUID assetId, UUID collectionId, String url, String altText, Instant storedAt) {
    if (collections.find(collectionId).isEmpty()) {
      return false;
    }
    return images.record(assetId, collectionId, url, altText, storedAt);
  }

  /**
   * AssetDeleted: the image is gone from storage, so it leaves the collection. Idempotent.
   *
   * @return whether an image was removed now
   */
  public boolean forget(UUID assetId) {
    return images.forget(assetId);
  }
}
