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
import io.emprops.storage.domain.objects.PendingObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * Makes generation outputs durable (ARCHITECTURE.md, "Stored outputs"): the output is read from
 * where the worker left it, stored under
 * {@code generations/{user_id}/{job_id}/{generation}/{step_id}/{file}} and announced with
 * {@code AssetStored}. One generation step has one asset: the step is locked and checked first,
 * so a redelivered or repeated event stores nothing again, and a retry after a failure writes the
 * same key (the same content gives the same sniffed type, hence the same file name).
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
  private final StorageMetrics metrics;
  private final Clock clock;

  public GeneratedOutputs(OutputSources sources, OutputPolicy policy, ContentSniffer sniffer, AssetObjects objects,
      AssetRepository assets, PendingObjects pending, AssetNotifications notifications, StorageMetrics metrics,
      Clock clock) {
    this.sources = sources;
    this.policy = policy;
    this.sniffer = sniffer;
    this.objects = objects;
    this.assets = assets;
    this.pending = pending;
    this.notifications = notifications;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * Stores the output once, in the caller's transaction (the inbox's): the asset row, the end of
   * the key's pending state and {@code AssetStored} commit together.
   *
   * @throws OutputRefused when the output can never be fetched as it is (nothing stored)
   * @throws UncheckedIOException when its source cannot be read now (a retry may succeed)
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public void store(GeneratedOutput output) {
    assets.lockGenerationOutput(output.jobId(), output.generation(), output.stepId());
    if (assets.generationOutputExists(output.jobId(), output.generation(), output.stepId())) {
      metrics.output(OutputOutcome.DUPLICATE);
      return;
    }
    Asset asset;
    try {
      asset = write(output);
    } catch (OutputRefused e) {
      metrics.output(OutputOutcome.REFUSED);
      log.warn("Output of job {} generation {} step {} refused: {}", output.jobId(), output.generation(),
          output.stepId(), e.getMessage());
      throw e;
    } catch (IOException e) {
      metrics.output(OutputOutcome.FAILED);
      throw new UncheckedIOException("output of job " + output.jobId() + " generation " + output.generation()
          + " step " + output.stepId() + " not stored: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      metrics.output(OutputOutcome.FAILED);
      throw e;
    }
    if (!assets.insert(asset)) {
      throw new IllegalStateException("asset row for " + asset.objectKey() + " exists though its step is locked and had none");
    }
    pending.forget(asset.objectKey());
    notifications.stored(objects.describe(asset));
    metrics.outputStored(Duration.between(output.completedAt(), clock.instant()));
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
          output.stepId(), key, name, sniffed.mediaType(), metered.count(), metered.sha256(), now());
    }
  }

  /** As the database keeps it (microseconds), so that the row and what was answered agree. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
