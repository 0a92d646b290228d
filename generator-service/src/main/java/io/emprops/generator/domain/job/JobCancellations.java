package io.emprops.generator.domain.job;

import io.emprops.events.contract.GenerationCancelled;
import io.emprops.events.outbox.Outbox;
import io.emprops.generator.domain.execution.JobExecution;
import io.emprops.generator.domain.execution.JobStep;
import io.emprops.generator.domain.execution.StepDispatcher;
import io.emprops.generator.persistence.JobRepository;
import io.emprops.generator.persistence.JobStepRepository;
import io.emprops.generator.progress.JobEvent;
import io.emprops.generator.progress.JobEventLog;
import io.emprops.web.api.ApiException;
import java.time.Clock;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cancels a job that has not finished: its steps in flight are cancelled in the job queue (the
 * queue removes pending ones and tells running workers, who may still finish: that late
 * completion is ignored), and {@code GenerationCancelled} tells credits-service to charge the
 * completed steps and release the rest.
 */
@Service
public class JobCancellations {

  static final String REASON = "Job cancelled by user";

  private final JobRepository jobs;
  private final JobStepRepository steps;
  private final JobExecution execution;
  private final StepDispatcher dispatcher;
  private final JobEventLog events;
  private final Outbox outbox;
  private final JsonMapper json;
  private final Clock clock = Clock.systemUTC();

  public JobCancellations(JobRepository jobs, JobStepRepository steps, JobExecution execution,
      StepDispatcher dispatcher, JobEventLog events, Outbox outbox, JsonMapper json) {
    this.jobs = jobs;
    this.steps = steps;
    this.execution = execution;
    this.dispatcher = dispatcher;
    this.events = events;
    this.outbox = outbox;
    this.json = json;
  }

  @Transactional
  public Job cancel(String userId, UUID jobId) {
    Job job = jobs.lock(jobId).filter(j -> j.userId().equals(userId))
        .orElseThrow(() -> ApiException.notFound("Job"));
    if (!job.isActive()) {
      throw ApiException.conflict("The job has already ended (" + job.status() + ")");
    }
    jobs.transition(jobId, job.status(), Job.CANCELLED, null, null);
    int stopped = 0;
    for (JobStep step : steps.cancelInFlight(jobId)) {
      stopped++;
      if (step.kind() == JobStep.Kind.QUEUE) {
        dispatcher.cancelAfterCommit(step.queueStepId(), REASON);
      }
    }
    long spent = execution.spentOn(jobId);
    events.append(jobId, Job.CANCELLED, JobEvent.JOB_STATUS,
        "Cancelled by the owner" + (stopped > 0 ? "; " + stopped + " running step(s) stopped" : ""),
        json.createObjectNode().put("status", Job.CANCELLED));
    outbox.publish(new GenerationCancelled(jobId, userId, job.collectionId(), spent, clock.instant()));
    return jobs.find(jobId).orElseThrow();
  }
}
