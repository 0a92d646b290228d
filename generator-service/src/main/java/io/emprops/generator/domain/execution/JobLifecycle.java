package io.emprops.generator.domain.execution;

import io.emprops.events.contract.GenerationOutput;
import io.emprops.generator.domain.job.GenerationNotifications;
import io.emprops.generator.domain.job.Job;
import io.emprops.generator.persistence.JobRepository;
import io.emprops.generator.persistence.JobStepRepository;
import io.emprops.generator.progress.JobEvent;
import io.emprops.generator.progress.JobEventLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one place a job changes status: each change is a conditional update of the job's row (so a
 * late or repeated cause changes nothing), the event of the job's history that tells clients, and
 * the saga event that tells the other services, all in the caller's transaction. A job that ends
 * stops its steps still in flight; what it is charged is its completed work.
 */
@Component
public class JobLifecycle {

  public static final String GENERATION_FAILED = "GENERATION_FAILED";
  /** The job's steps all completed, but an output of theirs could not be stored. */
  public static final String OUTPUT_NOT_STORED = "OUTPUT_NOT_STORED";
  static final String CANCELLED_BY_OWNER = "Job cancelled by user";

  private final JobRepository jobs;
  private final JobStepRepository steps;
  private final StepDispatcher dispatcher;
  private final JobEventLog events;
  private final GenerationNotifications notifications;
  private final JsonMapper json;
  private final Counter refusedOnStanding;

  public JobLifecycle(JobRepository jobs, JobStepRepository steps, StepDispatcher dispatcher, JobEventLog events,
      GenerationNotifications notifications, JsonMapper json, MeterRegistry meters) {
    this.jobs = jobs;
    this.steps = steps;
    this.dispatcher = dispatcher;
    this.events = events;
    this.notifications = notifications;
    this.json = json;
    this.refusedOnStanding = Counter.builder("generator_credit_standing_refusals_total")
        .description("Jobs started on the owner's credit standing that credits-service then refused").register(meters);
  }

  /**
   * Credits-service reserved {@code amount} for the pending job: it is queued. The update holds
   * the job's row lock for the rest of the transaction.
   *
   * @return whether it was pending (the caller then begins running it)
   */
  public boolean creditsReserved(UUID jobId, long amount) {
    if (!jobs.transition(jobId, Job.PENDING, Job.QUEUED, null, null)) {
      return false;
    }
    events.appendLocked(jobId, Job.QUEUED, JobEvent.JOB_STATUS, "Credits reserved: " + amount,
        json.createObjectNode().put("status", Job.QUEUED));
    return true;
  }

  /**
   * The pending job starts on its owner's last known credit standing, which covers it and the
   * owner's other undecided jobs: it is queued before credits-service has decided. The update holds
   * the job's row lock for the rest of the transaction.
   *
   * @return the job queued, with what beginning its execution reads; empty when it was not
   *     pending (the caller begins running it otherwise)
   */
  public Optional<JobRepository.Beginning> queueOnStanding(UUID jobId, long available) {
    Optional<JobRepository.Beginning> queued = jobs.queueOnStanding(jobId);
    queued.ifPresent(q -> events.appendLocked(jobId, Job.QUEUED, JobEvent.JOB_STATUS,
        "Started on the known credit standing (" + available + " available); credits are being reserved",
        json.createObjectNode().put("status", Job.QUEUED)));
    return queued;
  }

  /**
   * Credits-service reserved {@code amount} for a job started on the standing: the reservation is
   * noted on its history, and the job may now complete. The update holds the job's row lock.
   *
   * @return whether the job had started on the standing (the caller then ends it if its work is done)
   */
  public boolean confirmStanding(UUID jobId, long amount) {
    Optional<String> status = jobs.clearOnStanding(jobId);
    status.filter(Job::isActive).ifPresent(s -> events.appendLocked(jobId, s, JobEvent.JOB_STATUS,
        "Credits reserved: " + amount, json.createObjectNode().put("status", s)));
    return status.isPresent();
  }

  /**
   * Credits-service refused the job: it fails. Pending, it fails with no saga event
   * (credits-service, which decided, holds nothing for it). Started on the standing, its steps in
   * flight are abandoned and it fails with nothing spent, which is what credits-service charges a
   * job it refused: the work done on the standing is the GPU's loss, not the user's debt.
   */
  public void creditsRefused(UUID jobId, String code, String message) {
    if (jobs.transition(jobId, Job.PENDING, Job.FAILED, code, message)) {
      events.appendLocked(jobId, Job.FAILED, JobEvent.JOB_FAILED, message,
          json.createObjectNode().put("code", code).put("error", message));
      return;
    }
    if (jobs.clearOnStanding(jobId).isEmpty()) {
      return;
    }
    Job current = jobs.find(jobId).orElseThrow();
    if (!current.isActive() || !jobs.transition(jobId, current.status(), Job.FAILED, code, message)) {
      return;
    }
    int stopped = stopInFlight(jobId, false, "Abandoned by EmProps: credits refused its job (" + message + ")");
    events.appendLocked(jobId, Job.FAILED, JobEvent.JOB_FAILED, message,
        json.createObjectNode().put("code", code).put("error", message).put("steps_stopped", stopped));
    notifications.failed(current, code, message, null, 0);
    refusedOnStanding.increment();
  }

  /** The first sign of work on a queued job: it is processing. The caller holds the job's row lock. */
  public void startProcessing(UUID jobId) {
    jobs.startProcessing(jobId).ifPresent(started -> {
      events.appendLocked(jobId, "processing", JobEvent.JOB_STATUS, "A worker started the job",
          json.createObjectNode().put("status", "processing"));
      notifications.started(started.job(), started.steps());
    });
  }

  /**
   * Every step completed and every output is durable: the job completes, charged {@code spent}.
   * The caller holds the job's row lock.
   */
  public void complete(UUID jobId, String message, ObjectNode data, long spent, List<GenerationOutput> outputs) {
    Job current = jobs.find(jobId).orElseThrow();
    if (!jobs.transition(jobId, current.status(), Job.COMPLETED, null, null)) {
      return;
    }
    events.appendLocked(jobId, Job.COMPLETED, JobEvent.JOB_COMPLETED, message, data);
    notifications.completed(current, spent, outputs);
  }

  /**
   * Ends the job failed at step {@code failed}, unless it has ended already: its steps still in
   * flight are abandoned, its completed work is charged. The caller holds the job's row lock.
   */
  public void fail(UUID jobId, JobStep failed, String code, String message) {
    Job current = jobs.find(jobId).orElseThrow();
    if (!current.isActive() || !jobs.transition(jobId, current.status(), Job.FAILED, code, message)) {
      return;
    }
    stopInFlight(jobId, false, "Abandoned by EmProps: its job failed (" + message + ")");
    long spent = spentOn(jobId);
    ObjectNode data = json.createObjectNode();
    data.put("step_id", failed.stepId());
    data.put("generation", failed.generation());
    data.put("code", code);
    data.put("error", message);
    events.appendLocked(jobId, Job.FAILED, JobEvent.JOB_FAILED, message, data);
    notifications.failed(current, code, message, failed.stepId(), spent);
  }

  /**
   * Fails a job none of whose steps was laid out yet ({@code pending}, or {@code queued} while it
   * waits for its collection), unless it has moved on: {@code GenerationFailed} with nothing
   * spent, so credits-service releases whatever it reserved for it (or reserves and releases at
   * once, when its decision had not been made yet). Locks the job's row.
   *
   * @return whether this call failed it
   */
  public boolean failBeforeStart(UUID jobId, String code, String message) {
    Job current = jobs.lock(jobId).orElse(null);
    if (current == null || !(Job.PENDING.equals(current.status()) || Job.QUEUED.equals(current.status()))
        || steps.countForJob(jobId) > 0 || !jobs.transition(jobId, current.status(), Job.FAILED, code, message)) {
      return false;
    }
    events.appendLocked(jobId, Job.FAILED, JobEvent.JOB_FAILED, message,
        json.createObjectNode().put("code", code).put("error", message));
    notifications.failed(current, code, message, null, 0);
    return true;
  }

  /**
   * Stores {@code job}, failed before any step of it could run, unless it exists already.
   *
   * @return whether it was stored by this call
   */
  public boolean storeFailed(Job job, String plan) {
    if (!jobs.insertIfAbsent(job, plan)) {
      return false;
    }
    events.append(job.id(), Job.FAILED, JobEvent.JOB_FAILED, job.error(), json.createObjectNode()
        .put("code", job.errorCode()).put("error", job.error()));
    notifications.failed(job, job.errorCode(), job.error(), null, 0);
    return true;
  }

  /**
   * The owner cancels the job, which has not ended (the caller holds its row lock): its steps in
   * flight are cancelled in the job queue (pending ones are removed, running workers told, and
   * their late completion is ignored), its completed work is charged and the rest released.
   */
  public Job cancel(Job job) {
    jobs.transition(job.id(), job.status(), Job.CANCELLED, null, null);
    int stopped = stopInFlight(job.id(), true, CANCELLED_BY_OWNER);
    long spent = spentOn(job.id());
    events.append(job.id(), Job.CANCELLED, JobEvent.JOB_STATUS,
        "Cancelled by the owner" + (stopped > 0 ? "; " + stopped + " running step(s) stopped" : ""),
        json.createObjectNode().put("status", Job.CANCELLED));
    notifications.cancelled(job, spent);
    return jobs.find(job.id()).orElseThrow();
  }

  /**
   * Credits the completed work costs ({@link JobStepRepository#completedWork}: a step whose output
   * could not be stored does not count): what a failed or cancelled job is charged.
   */
  public long spentOn(UUID jobId) {
    return steps.completedWork(jobId).stream().mapToLong(JobStep::cost).sum();
  }

  /**
   * Marks the job's steps in flight cancelled and, after commit, cancels (the owner asked) or
   * abandons (the job failed) their submissions in the job queue.
   *
   * @return how many were in flight
   */
  private int stopInFlight(UUID jobId, boolean cancel, String reason) {
    List<JobStep> inFlight = steps.cancelInFlight(jobId);
    for (JobStep step : inFlight) {
      if (step.kind() == JobStep.Kind.QUEUE && step.queueStepId() != null) {
        if (cancel) {
          dispatcher.cancelAfterCommit(step.queueStepId(), reason);
        } else {
          dispatcher.abandonAfterCommit(step.queueStepId(), reason);
        }
      }
    }
    return inFlight.size();
  }
}
