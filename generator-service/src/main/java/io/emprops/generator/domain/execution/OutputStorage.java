package io.emprops.generator.domain.execution;

import io.emprops.generator.config.ExecutionProperties;
import io.emprops.generator.domain.job.Job;
import io.emprops.generator.persistence.JobOutputRepository;
import io.emprops.generator.persistence.JobOutputRepository.Changed;
import io.emprops.generator.persistence.JobRepository;
import io.emprops.generator.progress.JobEvent;
import io.emprops.generator.progress.JobEventLog;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The generator's side of "Stored outputs" (ARCHITECTURE.md): storage-service's answers attach each
 * output file to its durable asset, or mark it failed, and a job whose steps have all completed
 * ends once none of its outputs is still being stored ({@link JobEndings#settle}). An output
 * nobody answers for within {@code storage-timeout} fails, so nobody waits forever for an image that
 * will never be durable.
 *
 * <p>Each change takes the row locks of the jobs holding the output (its own job, and a retry that
 * reused it), in id order, then appends the stream event of the change to every job still running.
 * Answers are idempotent: a stored output stays stored, a failed one fails once, and an answer for
 * an output we do not know changes nothing.
 */
@Service
public class OutputStorage {

  private static final Logger log = LoggerFactory.getLogger(OutputStorage.class);

  private final JobRepository jobs;
  private final JobOutputRepository outputs;
  private final JobEndings endings;
  private final JobEventData data;
  private final JobEventLog events;
  private final ExecutionProperties properties;
  private final MeterRegistry meters;

  OutputStorage(JobRepository jobs, JobOutputRepository outputs, JobEndings endings, JobEventData data,
      JobEventLog events, ExecutionProperties properties, MeterRegistry meters) {
    this.jobs = jobs;
    this.outputs = outputs;
    this.endings = endings;
    this.data = data;
    this.events = events;
    this.properties = properties;
    this.meters = meters;
  }

  /** storage-service stored the output. */
  @Transactional
  public void stored(StoredOutput stored) {
    Map<UUID, Job> locked = lock(outputs.jobsHolding(stored.jobId(), stored.generation(), stored.stepId(), stored.index()));
    List<Changed> changed = outputs.markStored(stored.jobId(), stored.generation(), stored.stepId(), stored.index(),
        stored.assetId(), stored.publicUrl(), stored.mimeType());
    if (changed.isEmpty()) {
      log.debug("AssetStored {} for job {} changed nothing (already stored, or not an output we know)",
          stored.assetId(), stored.jobId());
    }
    apply(locked, changed, JobEvent.IMAGE_STORED, "Stored");
  }

  /** storage-service will not store the output. */
  @Transactional
  public void notStored(UnstoredOutput failed) {
    Map<UUID, Job> locked = lock(outputs.jobsHolding(failed.jobId(), failed.generation(), failed.stepId(), failed.index()));
    List<Changed> changed = outputs.markFailed(failed.jobId(), failed.generation(), failed.stepId(), failed.index(),
        "not stored (" + failed.code() + "): " + failed.reason());
    apply(locked, changed, JobEvent.IMAGE_STORE_FAILED, "Could not store");
  }

  /** Fails the job's outputs that have been storing for longer than {@code storage-timeout}. */
  @Transactional
  public void failOverdue(UUID jobId) {
    Map<UUID, Job> locked = lock(List.of(jobId));
    Duration timeout = properties.storageTimeout();
    List<Changed> changed = outputs.failStoringLongerThan(jobId, timeout,
        "not stored: storage-service did not store it within " + timeout.toString().substring(2).toLowerCase());
    if (!changed.isEmpty()) {
      log.warn("Job {}: {} output(s) not stored within {}; failed", jobId, changed.size(), timeout);
    }
    apply(locked, changed, JobEvent.IMAGE_STORE_FAILED, "Could not store");
  }

  private Map<UUID, Job> lock(List<UUID> jobIds) {
    return jobIds.isEmpty() ? Map.of()
        : jobs.lockAll(jobIds).stream().collect(Collectors.toMap(Job::id, Function.identity()));
  }

  /**
   * Tells each running job's stream what became of its output, then lets the job end if that was
   * the last one it waited for. A job that has ended keeps the change in its outputs
   * ({@code GET /jobs/{id}}); its stream has closed.
   */
  private void apply(Map<UUID, Job> locked, List<Changed> changed, String event, String verb) {
    for (Changed change : changed) {
      JobOutput output = change.output();
      Timer.builder("generator_output_storage_seconds").tag("outcome", output.status().wireName())
          .description("From an output's step completing to storage-service's answer (or the storage deadline)")
          .publishPercentiles(0.5, 0.99).register(meters).record(change.waited());
      Job job = locked.get(change.jobId());
      if (job != null && job.isActive()) {
        events.appendLocked(job.id(), job.status(), event,
            verb + " " + output.label() + (output.error() == null ? "" : ": " + output.error()),
            data.output(output));
      }
    }
    changed.stream().map(Changed::jobId).distinct().map(locked::get)
        .filter(job -> job != null && job.isActive()).forEach(endings::settle);
  }
}
