package io.emprops.generator.domain.execution;

import io.emprops.generator.domain.job.Job;
import io.emprops.generator.persistence.JobRepository;
import io.emprops.generator.persistence.JobStepRepository;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs a job's instruction set (ARCHITECTURE.md, generation saga step 4): generations × steps
 * ({@link StepLayout}), each step handed to the job queue (or run as fetch_api) once the steps it
 * takes {@code $ref} outputs from have completed ({@link ReadySteps}), and the job ended with
 * {@code GenerationCompleted} or {@code GenerationFailed} so credits-service settles the
 * reservation ({@link JobEndings}, {@link JobLifecycle}). Workers' reports are recorded by
 * {@link WorkerReports}, lost or dead submissions replaced by {@link Resubmissions}; storage-service's
 * answers end a job whose steps have all completed ({@link OutputStorage}).
 *
 * <p>Every method is one transaction and idempotent: queue messages arrive duplicated, late and
 * at every instance at once, so each change is a conditional update of the step's current
 * submission, and completions and failures serialise on the job's row. Submissions to the queue
 * happen after the transaction commits ({@link StepDispatcher}); one lost by a crash is found by
 * the reconciler.
 */
@Service
public class JobExecution {

  private final JobRepository jobs;
  private final JobStepRepository steps;
  private final StepLayout layout;
  private final ReadySteps ready;
  private final JobEndings endings;
  private final WorkerReports reports;
  private final Resubmissions resubmissions;
  private final JsonMapper json;

  JobExecution(JobRepository jobs, JobStepRepository steps, StepLayout layout, ReadySteps ready, JobEndings endings,
      WorkerReports reports, Resubmissions resubmissions, JsonMapper json) {
    this.jobs = jobs;
    this.steps = steps;
    this.layout = layout;
    this.ready = ready;
    this.endings = endings;
    this.reports = reports;
    this.resubmissions = resubmissions;
    this.json = json;
  }

  /**
   * Lays out a job whose credits were just reserved and hands its first steps to the queue. Runs
   * in the transaction that moved the job to {@code queued}.
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public void begin(UUID jobId) {
    begin(jobs.beginning(jobId).orElseThrow());
  }

  /** {@link #begin(UUID)} of a job whose row this transaction has just read or changed, as {@code beginning}. */
  @Transactional(propagation = Propagation.MANDATORY)
  public void begin(JobRepository.Beginning beginning) {
    Job job = beginning.job();
    UUID jobId = job.id();
    List<JobStep> laidOut = layout.layOut(jobId, json.readTree(beginning.plan()));
    Optional<UUID> original = beginning.original();
    if (original.isEmpty() && !laidOut.isEmpty()) {
      // A fresh job: its steps are the ones just laid out, all waiting (nothing to read back).
      ready.insertAndDispatch(job, laidOut);
      return;
    }
    steps.insertAll(laidOut, List.of());
    JobStepRepository.Counts counts = new JobStepRepository.Counts(laidOut.size(), 0, laidOut.size());
    if (original.isPresent()) {
      // Storage-service's answers for the original's outputs change them under its lock: none
      // slips between reading them and copying them.
      jobs.lock(original.get());
      steps.reuseCompleted(jobId, original.get());
      counts = steps.countsForJob(jobId);
    }
    if (counts.allCompleted()) {
      // Nothing to run, or a retry whose original's outputs all became durable after it failed.
      endings.finish(job, counts, true);
    } else {
      ready.dispatch(job, counts);
    }
  }

  /** A worker claimed the step (or the fetch executor started it). */
  @Transactional
  public void onClaimed(String queueStepId, String workerId) {
    reports.claimed(queueStepId, workerId);
  }

  /**
   * A worker reported progress; relayed at most every {@code progressInterval} per job, the last
   * report of a burst once the interval allows ({@link io.emprops.generator.progress.ProgressThrottle}).
   * This is the engine's most frequent message, so for a running step it costs two statements and
   * the commit.
   */
  @Transactional
  public void onProgress(String queueStepId, String workerId, int progress, String message) {
    reports.progressed(queueStepId, workerId, progress, message);
  }

  /**
   * The step finished with {@code output}: recorded once, then its dependants are submitted or the
   * job completes.
   *
   * @return whether this call recorded it
   */
  @Transactional
  public boolean onCompleted(String queueStepId, StepOutput output) {
    return reports.completed(queueStepId, output);
  }

  /** The step failed for good (retries exhausted, timed out, or could not be prepared): so does the job. */
  @Transactional
  public boolean onFailed(String queueStepId, String error) {
    return reports.failed(queueStepId, error);
  }

  /** See {@link Resubmissions}. */
  @Transactional
  public void resubmit(String queueStepId, String reason) {
    resubmissions.resubmit(queueStepId, reason);
  }
}
