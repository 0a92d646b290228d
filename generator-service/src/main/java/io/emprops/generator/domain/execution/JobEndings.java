package io.emprops.generator.domain.execution;

import io.emprops.events.contract.GenerationOutput;
import io.emprops.generator.domain.job.Job;
import io.emprops.generator.persistence.JobOutputRepository;
import io.emprops.generator.persistence.JobRepository;
import io.emprops.generator.persistence.JobStepRepository;
import io.emprops.generator.progress.JobEvent;
import io.emprops.generator.progress.JobEventLog;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * How a running job ends: completed once its steps have all completed and storage-service made
 * every output durable, failed when a step fails or an output will not be durable. The caller
 * holds the job's row lock.
 */
@Component
class JobEndings {

  /** How many failed outputs a job's error names before it just counts the rest. */
  private static final int NAMED_FAILURES = 3;

  private final JobRepository jobs;
  private final JobStepRepository steps;
  private final JobOutputRepository outputs;
  private final JobLifecycle lifecycle;
  private final JobEventLog events;
  private final JobEventData data;

  JobEndings(JobRepository jobs, JobStepRepository steps, JobOutputRepository outputs, JobLifecycle lifecycle,
      JobEventLog events, JobEventData data) {
    this.jobs = jobs;
    this.steps = steps;
    this.outputs = outputs;
    this.lifecycle = lifecycle;
    this.events = events;
    this.data = data;
  }

  /**
   * Ends a running job whose steps have all completed, once storage-service has answered for every
   * output (and credits-service reserved its credits): completed when all are durable, failed when
   * one will not be. Called by {@link OutputStorage} and on a late reservation, with the job's row
   * lock held and {@code job} as that lock read it (nothing in the transaction has changed it since).
   */
  void settle(Job job) {
    if (!job.isActive()) {
      return;
    }
    // Counted, not read: this runs for every output storage-service answers for.
    JobStepRepository.Counts counts = steps.countsForJob(job.id());
    if (counts.allCompleted()) {
      finish(job, counts, false);
    }
  }

  /**
   * Every step of the job completed: it ends now if no output is still being stored, else when
   * storage-service has answered for the last one ({@link #settle}). {@code counts}: the job's
   * step counts, just read; {@code announce}: tell the stream that the job now waits for storage.
   */
  void finish(Job job, JobStepRepository.Counts counts, boolean announce) {
    JobOutputRepository.Counts outputCounts = outputs.counts(job.id());
    if (outputCounts.storing() > 0) {
      if (announce) {
        events.appendLocked(job.id(), "processing", JobEvent.JOB_STATUS, "All " + counts.total()
            + " steps completed; storing " + outputCounts.storing() + " output(s)",
            data.object().put("status", "processing").put("storing", outputCounts.storing()));
      }
    } else if (outputCounts.failed() > 0) {
      failUnstored(job, steps.forJob(job.id()));
    } else {
      complete(job, steps.forJob(job.id()));
    }
  }

  /** Ends the job failed at step {@code failed} ({@link JobLifecycle#fail}). */
  void fail(UUID jobId, JobStep failed, String message) {
    lifecycle.fail(jobId, failed, JobLifecycle.GENERATION_FAILED, message);
  }

  private void complete(Job job, List<JobStep> all) {
    List<JobOutput> files = outputs.ofJob(job.id());
    if (jobs.isOnStanding(job.id())) {
      // Started before credits-service decided: it completes, and is charged, once they are
      // reserved (JobsAwaitingCollections#creditsReserved settles it again then).
      events.appendLocked(job.id(), job.status(), JobEvent.JOB_STATUS, "All " + all.size()
          + " steps completed; waiting for the credit reservation", data.object().put("status", job.status()));
      return;
    }
    List<GenerationOutput> stored = files.stream()
        .map(o -> new GenerationOutput(o.generation(), o.stepId(), o.assetId(), o.url(), o.mimeType())).toList();
    long spent = all.stream().mapToLong(JobStep::cost).sum();
    ObjectNode completed = data.object();
    completed.put("status", Job.COMPLETED);
    var listed = completed.putArray("outputs");
    files.forEach(o -> listed.add(data.output(o)));
    lifecycle.complete(job.id(), "All " + all.size() + " steps completed"
        + (files.isEmpty() ? "" : "; all " + files.size() + " output(s) stored"), completed, spent, stored);
  }

  /**
   * Every step completed, but an output will not be durable: the job fails, charging only the steps
   * whose outputs were all stored, and its retry runs the others again.
   */
  private void failUnstored(Job job, List<JobStep> all) {
    List<JobOutput> files = outputs.ofJob(job.id());
    List<JobOutput> failed = files.stream().filter(o -> o.status() == JobOutput.Status.FAILED).toList();
    StringBuilder message = new StringBuilder().append(failed.size()).append(" of ").append(files.size())
        .append(" output(s) could not be stored: ");
    for (int i = 0; i < Math.min(NAMED_FAILURES, failed.size()); i++) {
      message.append(i == 0 ? "" : "; ").append(failed.get(i).label()).append(" ").append(failed.get(i).error());
    }
    if (failed.size() > NAMED_FAILURES) {
      message.append("; and ").append(failed.size() - NAMED_FAILURES).append(" more");
    }
    JobOutput first = failed.getFirst();
    JobStep step = all.stream().filter(s -> s.generation() == first.generation() && s.stepId() == first.stepId())
        .findFirst().orElseThrow();
    lifecycle.fail(job.id(), step, JobLifecycle.OUTPUT_NOT_STORED, message.toString());
  }
}
