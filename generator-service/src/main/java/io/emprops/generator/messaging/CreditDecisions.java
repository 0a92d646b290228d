package io.emprops.generator.messaging;

import io.emprops.events.contract.CreditsReservationRejected;
import io.emprops.events.contract.CreditsReserved;
import io.emprops.events.inbox.InboxHandler;
import io.emprops.generator.domain.job.Job;
import io.emprops.generator.persistence.JobRepository;
import org.springframework.stereotype.Component;

/**
 * Step 2 of the saga as the generator sees it: credits-service's decision moves a pending job
 * to {@code queued} or fails it. Only a pending job moves, so a repeated or late decision for a
 * job that went on (or was cancelled) changes nothing.
 */
@Component
class CreditDecisions {

  private final JobRepository jobs;

  CreditDecisions(JobRepository jobs) {
    this.jobs = jobs;
  }

  @InboxHandler("generator.credits-reserved")
  void reserved(CreditsReserved event) {
    if (jobs.transition(event.jobId(), Job.PENDING, Job.QUEUED, null, null)) {
      jobs.recordHistory(event.jobId(), Job.QUEUED, "Credits reserved: " + event.amount());
    }
  }

  @InboxHandler("generator.credits-rejected")
  void rejected(CreditsReservationRejected event) {
    String message = "Not enough credits: " + event.amount() + " needed, " + event.available() + " available";
    if (jobs.transition(event.jobId(), Job.PENDING, Job.FAILED, event.reason(), message)) {
      jobs.recordHistory(event.jobId(), Job.FAILED, message);
    }
  }
}
