package io.emprops.storage.messaging;

import io.emprops.events.contract.AssetDeleted;
import io.emprops.events.contract.AssetStoreFailed;
import io.emprops.events.contract.AssetStored;
import io.emprops.events.outbox.Outbox;
import io.emprops.storage.domain.asset.Asset;
import io.emprops.storage.domain.asset.AssetNotifications;
import io.emprops.storage.domain.asset.StoredAsset;
import io.emprops.storage.domain.output.GeneratedOutput;
import io.emprops.storage.domain.output.OutputFailure;
import io.emprops.storage.domain.output.OutputFailureNotifications;
import java.time.Clock;
import java.time.Instant;
import org.springframework.stereotype.Component;

/** Publishes the asset events of {@code emprops.assets} through the transactional outbox. */
@Component
class OutboxAssetNotifications implements AssetNotifications, OutputFailureNotifications {

  private final Outbox outbox;
  private final Clock clock;

  OutboxAssetNotifications(Outbox outbox, Clock clock) {
    this.outbox = outbox;
    this.clock = clock;
  }

  @Override
  public void stored(StoredAsset stored) {
    Asset asset = stored.asset();
    outbox.publish(new AssetStored(asset.id(), asset.userId(), asset.collectionId(), asset.jobId(),
        asset.generation(), asset.stepId(), stored.url(), stored.cdnUrl(), asset.mimeType(), asset.size(),
        asset.sha256(), asset.createdAt(), asset.outputIndex()));
  }

  @Override
  public void notStored(GeneratedOutput output, OutputFailure failure) {
    outbox.publish(new AssetStoreFailed(output.jobId(), output.userId(), output.collectionId(), output.generation(),
        output.stepId(), output.outputIndex(), output.fileName(), failure.kind().name(), failure.reason(),
        clock.instant()));
  }

  @Override
  public void deleted(Asset asset, Instant deletedAt) {
    outbox.publish(new AssetDeleted(asset.id(), asset.userId(), asset.collectionId(), deletedAt));
  }
}
