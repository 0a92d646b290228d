package io.emprops.generator.domain.execution;

import io.emprops.generator.config.ExecutionProperties;
import io.emprops.generator.domain.job.Job;
import io.emprops.generator.persistence.JobRepository;
import io.emprops.generator.persistence.JobStepRepository;
import io.emprops.generator.progress.JobEvent;
import io.emprops.generator.progress.JobEventLog;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * Gives a step in flight a new submission (its worker died, or the queue lost it), or fails it
 * once it used {@code maxAttempts}. The old submission is abandoned in the queue, and a late
 * message about it finds no step.
 */
@Component
class Resubmissions {

  private static final Logger log = LoggerFactory.getLogger(Resubmissions.class);

  private final JobRepository jobs;
  private final JobStepRepository steps;
  private final StepDispatcher dispatcher;
  private final JobEndings endings;
  private final JobEventLog events;
  private final JobEventData data;
  private final ExecutionProperties properties;

  Resubmissions(JobRepository jobs, JobStepRepository steps, StepDispatcher dispatcher, JobEndings endings,
      JobEventLog events, JobEventData data, ExecutionProperties properties) {
    this.jobs = jobs;
    this.steps = steps;
    this.dispatcher = dispatcher;
    this.endings = endings;
    this.events = events;
    this.data = data;
    this.properties = properties;
  }

  void resubmit(String queueStepId, String reason) {
    Optional<JobStep> found = steps.bySubmission(queueStepId);
    if (found.isEmpty() || !found.get().isInFlight()) {
      return;
    }
    JobStep step = found.get();
    Job job = jobs.lock(step.jobId()).orElseThrow();
    if (step.attempt() >= properties.maxAttempts()) {
      if (steps.fail(queueStepId, reason)) {
        if (step.kind() == JobStep.Kind.QUEUE) {
          dispatcher.abandonAfterCommit(queueStepId, "Abandoned by EmProps: " + reason + "; the job failed");
        }
        endings.fail(job.id(), step, "The " + step.label() + " failed: " + reason + " (after " + step.attempt()
            + " attempts)");
      }
      return;
    }
    String next = UUID.randomUUID().toString();
    if (!steps.resubmit(queueStepId, next)) {
      return;
    }
    log.warn("Job {}: {} resubmitted as {} ({})", job.id(), step.label(), next, reason);
    if (step.kind() == JobStep.Kind.QUEUE) {
      dispatcher.abandonAfterCommit(queueStepId, "Abandoned by EmProps: " + reason + "; resubmitted as " + next);
    }
    dispatcher.dispatchAfterCommit(List.of(next));
    ObjectNode resubmitted = data.step(step);
    resubmitted.put("status", job.status());
    resubmitted.put("attempt", step.attempt() + 1);
    events.appendLocked(job.id(), job.status(), JobEvent.JOB_STATUS,
        "The " + step.label() + " is resubmitted: " + reason, resubmitted);
  }
}
