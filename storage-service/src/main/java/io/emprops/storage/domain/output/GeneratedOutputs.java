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
 * is, after {@code attempts} tries when its source cannot be read or the store fails. Only a
 * failure of this service's own database escapes (the inbox retries, then dead-letters it).
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
  private final StorageMetrics metrics;
  private final Clock clock;

  public GeneratedOutputs(OutputSources sources, OutputPolicy policy, ContentSniffer sniffer, AssetObjects objects,
      AssetRepository assets, PendingObjects pending, AssetNotifications notifications,
      OutputFailureNotifications failures, StorageMetrics metrics, Clock clock) {
    this.sources = sources;
    this.policy = policy;
    this.sniffer = sniffer;
    this.objects = objects;
    this.assets = assets;
    this.pending = pending;
    this.notifications = notifications;
    this.failures = failures;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * Stores the output once, in the caller's transaction (the inbox's): the asset row, the end of
   * the key's pending state and {@code AssetStored} commit together; or announces that it will not
   * be stored, in the same way.
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public void store(GeneratedOutput output) {
    assets.lockGenerationOutput(output.jobId(), output.generation(), output.stepId(), output.outputIndex());
    if (assets.generationOutputExists(output.jobId(), output.generation(), output.stepId(), output.outputIndex())) {
      metrics.output(OutputOutcome.DUPLICATE);
      return;
    }
    Asset asset = null;
    for (int attempt = 1; asset == null; attempt++) {
      try {
        asset = write(output);
      } catch (OutputRefused e) {
        metrics.output(OutputOutcome.REFUSED);
        notStored(output, new OutputFailure(OutputFailure.Kind.REFUSED, e.getMessage()));
        return;
      } catch (IOException | ObjectStoreException e) {
        OutputFailure.Kind kind = e instanceof IOException
            ? OutputFailure.Kind.UNREACHABLE : OutputFailure.Kind.STORE_UNAVAILABLE;
        if (attempt >= policy.attempts()) {
          metrics.output(OutputOutcome.FAILED);
          notStored(output, new OutputFailure(kind, e.getMessage() + " (" + attempt + " attempt"
              + (attempt == 1 ? "" : "s") + ")"));
          return;
        }
        log.info("Storing {} failed (attempt {} of {}), trying again: {}", output.label(), attempt,
            policy.attempts(), e.getMessage());
        pause(policy.retryBackoff().multipliedBy(1L << Math.min(attempt - 1, 10)));
      }
    }
    if (!assets.insert(asset)) {
      throw new IllegalStateException("asset row for " + asset.objectKey() + " exists though its output is locked and had none");
    }
    pending.forget(asset.objectKey());
    notifications.stored(objects.describe(asset));
    metrics.outputStored(Duration.between(output.completedAt(), clock.instant()));
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
