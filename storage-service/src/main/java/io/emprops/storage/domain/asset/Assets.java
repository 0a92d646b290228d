package io.emprops.storage.domain.asset;

import io.emprops.storage.domain.objects.ObjectStoreException;
import io.emprops.storage.domain.objects.PendingObjects;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** A user's assets: found, listed, downloaded and deleted by their owner only. */
@Service
public class Assets {

  private static final Logger log = LoggerFactory.getLogger(Assets.class);

  private final AssetRepository assets;
  private final AssetObjects objects;
  private final PendingObjects pending;
  private final AssetNotifications notifications;
  private final TransactionTemplate transactions;
  private final Clock clock;

  public Assets(AssetRepository assets, AssetObjects objects, PendingObjects pending,
      AssetNotifications notifications, TransactionTemplate transactions, Clock clock) {
    this.assets = assets;
    this.objects = objects;
    this.pending = pending;
    this.notifications = notifications;
    this.transactions = transactions;
    this.clock = clock;
  }

  /** The owner's live asset; someone else's is as absent as a missing one. */
  public Optional<StoredAsset> find(UUID id, String userId) {
    return owned(id, userId).map(objects::describe);
  }

  public List<StoredAsset> list(String userId, AssetFilter filter, long offset, int limit) {
    return assets.page(userId, filter, offset, limit).stream().map(objects::describe).toList();
  }

  public long count(String userId, AssetFilter filter) {
    return assets.count(userId, filter);
  }

  /** A short-lived URL to the owner's asset's content. */
  public Optional<URI> downloadUrl(UUID id, String userId) {
    return owned(id, userId).map(objects::downloadUrl);
  }

  /**
   * Deletes the owner's asset: its row becomes a tombstone and {@code AssetDeleted} goes out in
   * one transaction, then the object is removed. The key is recorded as pending first, so an
   * object that cannot be removed now is removed by the sweeper later.
   *
   * @return false when the caller has no such asset
   */
  public boolean delete(UUID id, String userId) {
    Optional<Asset> owned = owned(id, userId);
    if (owned.isEmpty()) {
      return false;
    }
    pending.record(owned.get().objectKey());
    Optional<Asset> deleted = transactions.execute(status -> {
      Optional<Asset> marked = assets.markDeleted(id, userId, clock.instant());
      marked.ifPresent(asset -> notifications.deleted(asset, clock.instant()));
      return marked;
    });
    String key = owned.get().objectKey();
    if (deleted.isEmpty()) {
      // Deleted concurrently: the other call removes the object; nothing is pending on our side.
      return false;
    }
    try {
      objects.store().delete(key);
      pending.forget(key);
    } catch (ObjectStoreException e) {
      log.warn("Object {} of deleted asset {} not removed yet ({}); the sweeper retries", key, id, e.getMessage());
    }
    return true;
  }

  private Optional<Asset> owned(UUID id, String userId) {
    return assets.findLive(id).filter(asset -> asset.userId().equals(userId));
  }
}
