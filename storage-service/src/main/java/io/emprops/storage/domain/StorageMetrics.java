package io.emprops.storage.domain;

import io.emprops.storage.domain.objects.PartBuffers;
import io.emprops.storage.domain.objects.PendingObjects;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * {@code storage_uploads_total{outcome}}, {@code storage_upload_bytes} (stored uploads),
 * {@code storage_outputs_total{outcome}}, {@code storage_output_ingestion_seconds} (step completed →
 * stored; {@code outcome="deferred"}: kept for later attempts while the object store fails),
 * {@code storage_outputs_deferred} (those waiting now, registered by {@code DeferredOutputRetrier}),
 * {@code storage_orphans_removed_total}, {@code storage_objects_pending} (keys not yet owned
 * by a row or still to be removed: a growing number means crashes or a failing store) and
 * {@code storage_part_buffers_in_use} (of the shared upload memory).
 */
@Component
public class StorageMetrics {

  /** What became of an upload. */
  public enum UploadOutcome { STORED, DUPLICATE, TOO_LARGE, UNSUPPORTED_TYPE, INCOMPLETE, FAILED }

  /** What became of a generation's output. */
  public enum OutputOutcome { STORED, DUPLICATE, REFUSED, FAILED, DEFERRED }

  private final MeterRegistry registry;
  private final Map<Enum<?>, Counter> counters = new ConcurrentHashMap<>();
  private final DistributionSummary uploadBytes;
  private final Timer ingestion;
  private final Counter orphansRemoved;

  public StorageMetrics(MeterRegistry registry, PendingObjects pending, PartBuffers buffers) {
    this.registry = registry;
    this.uploadBytes = DistributionSummary.builder("storage.upload.bytes").baseUnit("bytes")
        .description("Size of stored uploads").register(registry);
    this.ingestion = Timer.builder("storage.output.ingestion")
        .description("From a generation step's completion to its output's asset")
        .publishPercentiles(0.5, 0.99).register(registry);
    this.orphansRemoved = Counter.builder("storage.orphans.removed")
        .description("Objects removed by the sweeper (no asset owned them)").register(registry);
    Gauge.builder("storage.objects.pending", pending, PendingObjects::count)
        .description("Object keys not yet owned by an asset row or still to be removed").register(registry);
    Gauge.builder("storage.part.buffers.in.use", buffers, PartBuffers::inUse)
        .description("Upload part buffers in use, of " + buffers.count()).register(registry);
  }

  public void upload(UploadOutcome outcome) {
    counter("storage.uploads", outcome).increment();
  }

  public void uploadStored(long bytes) {
    upload(UploadOutcome.STORED);
    uploadBytes.record(bytes);
  }

  public void output(OutputOutcome outcome) {
    counter("storage.outputs", outcome).increment();
  }

  public void outputStored(Duration sinceCompletion) {
    output(OutputOutcome.STORED);
    ingestion.record(sinceCompletion.isNegative() ? Duration.ZERO : sinceCompletion);
  }

  public void orphansRemoved(int count) {
    orphansRemoved.increment(count);
  }

  private Counter counter(String name, Enum<?> outcome) {
    return counters.computeIfAbsent(outcome, o -> Counter.builder(name)
        .tag("outcome", o.name().toLowerCase(Locale.ROOT)).register(registry));
  }
}
