package io.emprops.generator.messaging;

import io.emprops.events.contract.CreditsReservationRejected;
import io.emprops.events.contract.CreditsReserved;
import io.emprops.events.inbox.InboxHandler;
import io.emprops.generator.domain.execution.JobExecution;
import io.emprops.generator.domain.job.Job;
import io.emprops.generator.persistence.JobRepository;
import io.emprops.generator.progress.JobEvent;
import io.emprops.generator.progress.JobEventLog;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Step 2 of the saga as the generator sees it: credits-service's decision moves a pending job
 * to {@code queued} and starts executing it, or fails it. Only a pending job moves, so a repeated
 * or late decision for a job that went on (or was cancelled) changes nothing. The transition's
 * update holds the job's row lock for the rest of the handler.
 */
@Component
class CreditDecisions {

  private final JobRepository jobs;
  private final JobExecution execution;
  private final JobEventLog events;
  private final JsonMapper json;

  CreditDecisions(JobRepository jobs, JobExecution execution, JobEventLog events, JsonMapper json) {
    this.jobs = jobs;
    this.execution = execution;
    this.events = events;
    this.json = json;
  }

  @InboxHandler("generator.credits-reserved")
  void reserved(CreditsReserved event) {
    if (jobs.transition(event.jobId(), Job.PENDING, Job.QUEUED, null, null)) {
      events.appendLocked(event.jobId(), Job.QUEUED, JobEvent.JOB_STATUS, "Credits reserved: " + event.amount(),
          json.createObjectNode().put("status", Job.QUEUED));
      execution.begin(event.jobId());
    }
  }

  @InboxHandler("generator.credits-rejected")
  void rejected(CreditsReservationRejected event) {
    String message = "Not enough credits: " + event.amount() + " needed, " + event.available() + " available";
    if (jobs.transition(event.jobId(), Job.PENDING, Job.FAILED, event.reason(), message)) {
      events.appendLocked(event.jobId(), Job.FAILED, JobEvent.JOB_FAILED, message,
          json.createObjectNode().put("code", event.reason()).put("error", message));
    }
  }
}
