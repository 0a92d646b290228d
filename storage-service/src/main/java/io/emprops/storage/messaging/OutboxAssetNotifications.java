package io.emprops.storage.messaging;

import io.emprops.events.contract.AssetDeleted;
import io.emprops.events.contract.AssetStored;
import io.emprops.events.outbox.Outbox;
import io.emprops.storage.domain.asset.Asset;
import io.emprops.storage.domain.asset.AssetNotifications;
import io.emprops.storage.domain.asset.StoredAsset;
import java.time.Instant;
import org.springframework.stereotype.Component;

/** Publishes the asset events of {@code emprops.assets} through the transactional outbox. */
@Component
class OutboxAssetNotifications implements AssetNotifications {

  private final Outbox outbox;

  OutboxAssetNotifications(Outbox outbox) {
    this.outbox = outbox;
  }

  @Override
  public void stored(StoredAsset stored) {
    Asset asset = stored.asset();
    outbox.publish(new AssetStored(asset.id(), asset.userId(), asset.collectionId(), asset.jobId(),
        asset.generation(), asset.stepId(), stored.url(), stored.cdnUrl(), asset.mimeType(), asset.size(),
        asset.sha256(), asset.createdAt()));
  }

  @Override
  public void deleted(Asset asset, Instant deletedAt) {
    outbox.publish(new AssetDeleted(asset.id(), asset.userId(), asset.collectionId(), deletedAt));
  }
}
