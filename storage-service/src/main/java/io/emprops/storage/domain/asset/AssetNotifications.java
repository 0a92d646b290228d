package io.emprops.storage.domain.asset;

import java.time.Instant;

/**
 * What the storage rules announce to other services, called inside the transaction of the change
 * it announces (the messaging adapter writes it to the outbox).
 */
public interface AssetNotifications {

  void stored(StoredAsset stored);

  void deleted(Asset asset, Instant deletedAt);
}
