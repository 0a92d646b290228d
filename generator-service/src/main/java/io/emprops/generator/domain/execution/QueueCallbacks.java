package io.emprops.generator.domain.execution;

import io.emprops.generator.domain.job.Job;
import io.emprops.generator.persistence.JobRepository;
import io.emprops.generator.persistence.JobStepRepository;
import io.emprops.generator.queue.JobQueueClient;
import io.emprops.generator.queue.StepState;
import io.emprops.web.api.ApiException;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the job queue's own API asks of us when it takes a workflow (our job) for finished
 * (JOB-QUEUE.md, "Workflow completion and call-backs"): the job's steps, and its "recovery" —
 * completing a step, then the job. Recovery only ever confirms what the queue's hashes already
 * say, exactly as the reconciler would a little later: the outputs come from
 * {@code jobs:completed}, never from the caller, and a job completes only when every step has.
 */
@Service
public class QueueCallbacks {

  private static final Logger log = LoggerFactory.getLogger(QueueCallbacks.class);

  private final JobRepository jobs;
  private final JobStepRepository steps;
  private final JobQueueClient queue;
  private final JobExecution execution;
  private final JsonMapper json;

  public QueueCallbacks(JobRepository jobs, JobStepRepository steps, JobQueueClient queue, JobExecution execution,
      JsonMapper json) {
    this.jobs = jobs;
    this.steps = steps;
    this.queue = queue;
    this.execution = execution;
    this.json = json;
  }

  /** A job and its steps. */
  public record JobSteps(Job job, List<JobStep> steps) {}

  /** The job's steps that went to the queue (those it knows by their submission id). */
  public JobSteps steps(UUID jobId) {
    Job job = jobs.find(jobId).orElseThrow(() -> ApiException.notFound("Job"));
    return new JobSteps(job, steps.forJob(jobId));
  }

  /**
   * Confirms the completion of the queue step {@code queueStepId} (our step's current submission)
   * when the queue's hash says it completed.
   *
   * @return the step as it is now
   */
  public JobStep confirmStep(String queueStepId) {
    JobStep step = steps.bySubmission(queueStepId).filter(s -> s.kind() == JobStep.Kind.QUEUE)
        .orElseThrow(() -> ApiException.notFound("Step"));
    if (step.isCompleted()) {
      return step;
    }
    StepState state = queue.read(queueStepId);
    if (!state.isCompleted()) {
      throw ApiException.conflict("The job queue has the step " + (state.exists() ? state.status() : "no longer")
          + "; only a completion it recorded can be confirmed");
    }
    confirm(queueStepId, state);
    return steps.bySubmission(queueStepId).orElseThrow(() -> ApiException.notFound("Step"));
  }

  /**
   * Confirms the job's completion: the completions the queue recorded and we have not applied yet
   * are applied; the job is complete only once every one of its steps is (it may still be storing
   * their outputs: that is ours, not the queue's, to wait for).
   *
   * @return the job, its steps all completed
   */
  public Job confirmJob(UUID jobId) {
    Job job = jobs.find(jobId).orElseThrow(() -> ApiException.notFound("Job"));
    if (job.isActive()) {
      for (JobStep step : steps.forJob(jobId)) {
        if (step.kind() == JobStep.Kind.QUEUE && step.isInFlight() && step.submittedAt() != null) {
          StepState state = queue.read(step.queueStepId());
          if (state.isCompleted()) {
            confirm(step.queueStepId(), state);
          }
        }
      }
      job = jobs.find(jobId).orElseThrow();
    }
    List<JobStep> all = steps.forJob(jobId);
    boolean storing = job.isActive() && all.stream().allMatch(JobStep::isCompleted);
    if (!"completed".equals(job.status()) && !storing) {
      throw ApiException.conflict("The job is " + job.status() + ": " + all.stream().filter(JobStep::isCompleted).count()
          + " of its " + all.size() + " steps completed");
    }
    return job;
  }

  private void confirm(String queueStepId, StepState state) {
    if (state.completedResult().isEmpty()) {
      // Its worker may be between writing the status and the result (JOB-QUEUE.md): confirmed
      // by the complete_job message or the reconciler, never as a completion without output.
      log.info("Step {}: completed in the job queue without a stored result yet; not confirmed now", queueStepId);
      return;
    }
    if (execution.onCompleted(queueStepId,
        StepOutput.fromQueueResult(json.readTree(state.completedResult().get())))) {
      log.info("Step {}: completion confirmed at the job queue's request, from its hash", queueStepId);
    }
  }
}
