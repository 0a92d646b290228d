package io.emprops.storage.domain.output;

import io.emprops.storage.domain.StorageMetrics;
import io.emprops.storage.domain.StorageMetrics.OutputOutcome;
import io.emprops.storage.domain.asset.Asset;
import io.emprops.storage.domain.asset.AssetNotifications;
import io.emprops.storage.domain.asset.AssetObjects;
import io.emprops.storage.domain.asset.AssetRepository;
import io.emprops.storage.domain.asset.ObjectKeys;
import io.emprops.storage.domain.content.ContentSniffer;
import io.emprops.storage.domain.content.ContentTooLargeException;
import io.emprops.storage.domain.content.MeteredContent;
import io.emprops.storage.domain.objects.ObjectStoreException;
import io.emprops.storage.domain.objects.PendingObjects;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Makes generation outputs durable (ARCHITECTURE.md, "Stored outputs"): each output file is read
 * from where the worker left it, stored under
 * {@code generations/{user_id}/{job_id}/{generation}/{step_id}/{file}} and announced with
 * {@code AssetStored}. One output file has one asset: the file is locked and checked first, so a
 * redelivered or repeated event stores nothing again, and a retry after a failure writes the same
 * key (the same content gives the same sniffed type, hence the same file name).
 *
 * <p>An output that will not be stored is announced ({@code AssetStoreFailed}) rather than left to
 * a dead-letter topic, so its job does not wait for it: at once when it can never be read as it
 * is, after {@code attempts} tries when its source cannot be read. An object store that still
 * fails after those tries is having an outage, which should not cost users their images: the
 * output is kept ({@link DeferredOutputs}) and retried with growing pauses for up to
 * {@code store-outage-patience}, off the inbox's thread and transaction. Only a failure of this
 * service's own database escapes (the inbox retries, then dead-letters it).
 */
@Service
public class GeneratedOutputs {

  private static final Logger log = LoggerFactory.getLogger(GeneratedOutputs.class);

  private final OutputSources sources;
  private final OutputPolicy policy;
  private final ContentSniffer sniffer;
  private final AssetObjects objects;
  private final AssetRepository assets;
  private final PendingObjects pending;
  private final AssetNotifications notifications;
  private final OutputFailureNotifications failures;
  private final DeferredOutputs deferred;
  private final StorageMetrics metrics;
  private final Clock clock;

  public GeneratedOutputs(OutputSources sources, OutputPolicy policy, ContentSniffer sniffer, AssetObjects objects,
      AssetRepository assets, PendingObjects pending, AssetNotifications notifications,
      OutputFailureNotifications failures, DeferredOutputs deferred, StorageMetrics metrics, Clock clock) {
    this.sources = sources;
    this.policy = policy;
    this.sniffer = sniffer;
    this.objects = objects;
    this.assets = assets;
    this.pending = pending;
    this.notifications = notifications;
    this.failures = failures;
    this.deferred = deferred;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * Stores the output once, in the caller's transaction (the inbox's): the asset row, the end of
   * the key's pending state and {@code AssetStored} commit together; or announces that it will not
   * be stored, in the same way; or, when the object store still fails after the quick attempts
   * (an outage), keeps it for {@link #retry later attempts} — its job waits meanwhile.
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public void store(GeneratedOutput output) {
    assets.lockGenerationOutput(output.jobId(), output.generation(), output.stepId(), output.outputIndex());
    if (assets.generationOutputExists(output.jobId(), output.generation(), output.stepId(), output.outputIndex())
        || deferred.isDeferred(output)) {
      metrics.output(OutputOutcome.DUPLICATE); // stored, or its later attempts will store it
      return;
    }
    for (int attempt = 1; ; attempt++) {
      try {
        stored(output, write(output));
        return;
      } catch (OutputRefused e) {
        refused(output, e);
        return;
      } catch (IOException | ObjectStoreException e) {
        if (attempt < policy.attempts()) {
          log.info("Storing {} failed (attempt {} of {}), trying again: {}", output.label(), attempt,
              policy.attempts(), e.getMessage());
          pause(policy.quickRetryPause(attempt));
        } else if (e instanceof ObjectStoreException && policy.storeOutagePatience().isPositive()) {
          defer(output, attempt, e);
          return;
        } else {
          failed(output, e, attempt + " attempt" + (attempt == 1 ? "" : "s"));
          return;
        }
      }
    }
  }

  /**
   * One more attempt at a deferred output, in the caller's transaction, which claimed it: stored
   * (or refused) and forgotten; or, still failing, tried again after a longer pause, until its
   * patience runs out and it is announced as not stored.
   *
   * @return false when the object store failed the write (the caller then waits before asking
   *     it again), true otherwise
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public boolean retry(DeferredOutputs.Deferred waiting) {
    GeneratedOutput output = waiting.output();
    assets.lockGenerationOutput(output.jobId(), output.generation(), output.stepId(), output.outputIndex());
    int attempt = waiting.attempts() + 1;
    try {
      if (!assets.generationOutputExists(output.jobId(), output.generation(), output.stepId(), output.outputIndex())) {
        stored(output, write(output));
        log.info("Stored {} after {} attempts, {} after the object store first failed", output.label(), attempt,
            readable(Duration.between(waiting.deferredAt(), clock.instant())));
      }
      deferred.forget(output);
      return true;
    } catch (OutputRefused e) {
      refused(output, e);
      deferred.forget(output);
      return true;
    } catch (IOException | ObjectStoreException e) {
      Instant now = clock.instant();
      if (now.isBefore(waiting.giveUpAt())) {
        deferred.postpone(output, e.getMessage(), now.plus(policy.storeRetryPause(attempt)));
      } else {
        failed(output, e, attempt + " attempts over " + readable(Duration.between(waiting.deferredAt(), now)));
        deferred.forget(output);
      }
      return e instanceof IOException; // the source failed: that says nothing about the store
    }
  }

  private void stored(GeneratedOutput output, Asset asset) {
    if (!assets.insert(asset)) {
      throw new IllegalStateException("asset row for " + asset.objectKey() + " exists though its output is locked and had none");
    }
    pending.forget(asset.objectKey());
    notifications.stored(objects.describe(asset));
    metrics.outputStored(Duration.between(output.completedAt(), clock.instant()));
  }

  private void refused(GeneratedOutput output, OutputRefused e) {
    metrics.output(OutputOutcome.REFUSED);
    notStored(output, new OutputFailure(OutputFailure.Kind.REFUSED, e.getMessage()));
  }

  private void failed(GeneratedOutput output, Exception e, String tries) {
    metrics.output(OutputOutcome.FAILED);
    OutputFailure.Kind kind = e instanceof IOException ? OutputFailure.Kind.UNREACHABLE : OutputFailure.Kind.STORE_UNAVAILABLE;
    notStored(output, new OutputFailure(kind, e.getMessage() + " (" + tries + ")"));
  }

  private void defer(GeneratedOutput output, int attempts, Exception e) {
    Instant now = clock.instant();
    deferred.defer(output, attempts, e.getMessage(), now, now.plus(policy.storeRetryPause(attempts)),
        now.plus(policy.storeOutagePatience()));
    metrics.output(OutputOutcome.DEFERRED);
    log.warn("{}: the object store failed {} times ({}); kept, and tried again for up to {}", output.label(), attempts,
        e.getMessage(), readable(policy.storeOutagePatience()));
  }

  /** "8m", "2m30s": for logs and failure reasons. */
  private static String readable(Duration duration) {
    return duration.truncatedTo(ChronoUnit.SECONDS).toString().substring(2).toLowerCase(java.util.Locale.ROOT);
  }

  private void notStored(GeneratedOutput output, OutputFailure failure) {
    log.warn("{} not stored ({}): {}", output.label(), failure.kind(), failure.reason());
    failures.notStored(output, failure);
  }

  private Asset write(GeneratedOutput output) throws IOException {
    try (OutputContent source = sources.open(output.url())) {
      String declared = output.mimeType() != null ? output.mimeType() : source.declaredType();
      String name = ObjectKeys.safeFileName(output.fileName(), "output");
      ContentSniffer.Sniffed sniffed = sniffer.sniff(source.content(), name, declared);
      if (!sniffer.hasExtensionOf(name, sniffed.mediaType())) {
        name = ObjectKeys.withExtension(name, sniffer.extensionOf(sniffed.mediaType()));
      }
      String key = ObjectKeys.generation(output.userId(), output.jobId(), output.generation(), output.stepId(), name);
      MeteredContent metered = new MeteredContent(sniffed.content(), policy.maxBytes());
      // Committed now: if this transaction rolls back after the write, the sweeper finds the object.
      pending.record(key);
      try {
        objects.store().write(objects.write(key, sniffed.mediaType()), metered);
      } catch (ContentTooLargeException e) {
        throw new OutputRefused("output is larger than " + policy.maxBytes() + " bytes");
      }
      return new Asset(UUID.randomUUID(), output.userId(), output.collectionId(), output.jobId(), output.generation(),
          output.stepId(), output.outputIndex(), key, name, sniffed.mediaType(), metered.count(), metered.sha256(),
          now());
    }
  }

  /** Between attempts; the inbox transaction stays open (one of the inbox's few consumer threads waits). */
  private static void pause(Duration pause) {
    try {
      Thread.sleep(pause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted between attempts to store an output", e);
    }
  }

  /** As the database keeps it (microseconds), so that the row and what was answered agree. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
