package io.emprops.storage.domain.asset;

import io.emprops.storage.domain.objects.ObjectStore;
import io.emprops.storage.domain.objects.ObjectWrite;
import java.net.URI;
import java.time.Duration;

/**
 * How assets' objects are written and reached: immutable objects (a key is never written twice
 * with other content, so caches may keep them for a year), durable URLs from the store, CDN URLs
 * from a configured base, and short-lived download URLs.
 *
 * @param cdnBaseUrl the CDN in front of the store ({@code https://cdn.example.com}), or null for none
 * @param cacheControl sent with every object
 * @param downloadValidity how long a download URL works
 */
public record AssetObjects(ObjectStore store, String cdnBaseUrl, String cacheControl, Duration downloadValidity) {

  public AssetObjects {
    cdnBaseUrl = cdnBaseUrl == null || cdnBaseUrl.isBlank() ? null : cdnBaseUrl.replaceAll("/+$", "");
  }

  public ObjectWrite write(String key, String mediaType) {
    return new ObjectWrite(key, mediaType, cacheControl);
  }

  public StoredAsset describe(Asset asset) {
    return new StoredAsset(asset, store.location(asset.objectKey()).toString(),
        cdnBaseUrl == null ? null : cdnBaseUrl + "/" + asset.objectKey());
  }

  public URI downloadUrl(Asset asset) {
    return store.presignedDownload(asset.objectKey(), asset.fileName(), downloadValidity);
  }
}
