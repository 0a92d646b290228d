package io.emprops.storage.domain.upload;

import io.emprops.storage.domain.StorageMetrics;
import io.emprops.storage.domain.StorageMetrics.UploadOutcome;
import io.emprops.storage.domain.asset.Asset;
import io.emprops.storage.domain.asset.AssetNotifications;
import io.emprops.storage.domain.asset.AssetObjects;
import io.emprops.storage.domain.asset.AssetRepository;
import io.emprops.storage.domain.asset.ObjectKeys;
import io.emprops.storage.domain.asset.StoredAsset;
import io.emprops.storage.domain.content.ContentSniffer;
import io.emprops.storage.domain.content.ContentTooLargeException;
import io.emprops.storage.domain.content.MeteredContent;
import io.emprops.storage.domain.objects.ObjectStoreException;
import io.emprops.storage.domain.objects.PendingObjects;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Files users upload. An upload is staged (its content sniffed, checked against the policy and
 * streamed to the store under a fresh key) and then committed (its row and {@code AssetStored}
 * in one transaction) or discarded. Whatever goes wrong on the way — a refused type, a file over
 * the limit, a client that goes away, a failing store — leaves neither a row nor an object; a
 * crash leaves a pending key that the sweeper clears.
 */
@Service
public class Uploads {

  private static final Logger log = LoggerFactory.getLogger(Uploads.class);

  private final UploadPolicy policy;
  private final ContentSniffer sniffer;
  private final AssetObjects objects;
  private final AssetRepository assets;
  private final PendingObjects pending;
  private final AssetNotifications notifications;
  private final TransactionTemplate transactions;
  private final StorageMetrics metrics;
  private final Clock clock;

  public Uploads(UploadPolicy policy, ContentSniffer sniffer, AssetObjects objects, AssetRepository assets,
      PendingObjects pending, AssetNotifications notifications, TransactionTemplate transactions,
      StorageMetrics metrics, Clock clock) {
    this.policy = policy;
    this.sniffer = sniffer;
    this.objects = objects;
    this.assets = assets;
    this.pending = pending;
    this.notifications = notifications;
    this.transactions = transactions;
    this.metrics = metrics;
    this.clock = clock;
  }

  public UploadPolicy policy() {
    return policy;
  }

  /**
   * Streams {@code content} to the store under a new key; nothing is written when its type is
   * refused.
   *
   * @param fileName the name the client gave, kept (sanitised, with the extension of the sniffed type) for downloads
   * @throws UploadRefused when the type is not accepted or the content is over the limit
   * @throws IOException when reading the content fails (the client went away)
   * @throws ObjectStoreException when the store fails
   */
  public StagedUpload stage(String userId, String fileName, InputStream content) throws IOException {
    ContentSniffer.Sniffed sniffed;
    try {
      sniffed = sniffer.sniff(content, fileName, null);
    } catch (IOException e) {
      metrics.upload(UploadOutcome.INCOMPLETE);
      throw e;
    }
    if (!policy.types().accepts(sniffed.mediaType())) {
      metrics.upload(UploadOutcome.UNSUPPORTED_TYPE);
      throw new UploadRefused(UploadRefused.Reason.UNSUPPORTED_TYPE,
          "Files of type " + sniffed.mediaType() + " are not accepted");
    }
    UUID assetId = UUID.randomUUID();
    String name = ObjectKeys.safeFileName(fileName, "file");
    if (!sniffer.hasExtensionOf(name, sniffed.mediaType())) {
      name = ObjectKeys.withExtension(name, sniffer.extensionOf(sniffed.mediaType()));
    }
    String key = ObjectKeys.upload(userId, assetId, name);
    MeteredContent metered = new MeteredContent(sniffed.content(), policy.maxBytes());
    pending.record(key);
    try {
      objects.store().write(objects.write(key, sniffed.mediaType()), metered);
    } catch (ContentTooLargeException e) {
      removeQuietly(key);
      metrics.upload(UploadOutcome.TOO_LARGE);
      throw new UploadRefused(UploadRefused.Reason.TOO_LARGE, "File is larger than " + policy.maxBytes() + " bytes");
    } catch (IOException e) {
      removeQuietly(key);
      metrics.upload(UploadOutcome.INCOMPLETE);
      throw e;
    } catch (RuntimeException e) {
      removeQuietly(key);
      metrics.upload(UploadOutcome.FAILED);
      throw e;
    }
    return new StagedUpload(assetId, userId, key, name, sniffed.mediaType(), metered.count(), metered.sha256());
  }

  /**
   * Gives the staged upload its row and announces it; when the user already has this content, that
   * asset is the answer and the staged object goes.
   */
  public UploadResult commit(StagedUpload staged, UUID collectionId) {
    Asset asset = new Asset(staged.assetId(), staged.userId(), collectionId, null, null, null, null, staged.objectKey(),
        staged.fileName(), staged.mimeType(), staged.size(), staged.sha256(), now());
    UploadResult result;
    try {
      result = transactions.execute(status -> {
        Optional<Asset> existing = assets.findLiveUpload(staged.userId(), staged.sha256());
        if (existing.isEmpty() && assets.insert(asset)) {
          StoredAsset stored = objects.describe(asset);
          pending.forget(staged.objectKey());
          notifications.stored(stored);
          return new UploadResult(stored, true);
        }
        // The same content again (or a concurrent upload of it that committed first).
        Asset first = existing.or(() -> assets.findLiveUpload(staged.userId(), staged.sha256())).orElseThrow(
            () -> new IllegalStateException("upload " + staged.objectKey() + " conflicts with no live upload"));
        return new UploadResult(objects.describe(first), false);
      });
    } catch (RuntimeException e) {
      discard(staged);
      metrics.upload(UploadOutcome.FAILED);
      throw e;
    }
    if (result.created()) {
      metrics.uploadStored(staged.size());
    } else {
      discard(staged);
      metrics.upload(UploadOutcome.DUPLICATE);
    }
    return result;
  }

  /** Removes a staged upload's object (its key stays pending for the sweeper if that fails). */
  public void discard(StagedUpload staged) {
    removeQuietly(staged.objectKey());
  }

  private void removeQuietly(String key) {
    try {
      objects.store().delete(key);
      pending.forget(key);
    } catch (RuntimeException e) {
      log.warn("Object {} of a failed upload not removed yet ({}); the sweeper retries", key, e.getMessage());
    }
  }

  /** As the database keeps it (microseconds), so that the row and what was answered agree. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
