package io.emprops.generator.messaging;

import io.emprops.events.contract.CreditsReservationRejected;
import io.emprops.events.contract.CreditsReserved;
import io.emprops.events.inbox.InboxHandler;
import io.emprops.generator.domain.execution.JobLifecycle;
import io.emprops.generator.domain.execution.JobsAwaitingCollections;
import org.springframework.stereotype.Component;

/**
 * Step 2 of the saga as the generator sees it: credits-service's decision moves a pending job
 * to {@code queued} and starts executing it (once its collection is known: see
 * {@link JobsAwaitingCollections}), or fails it. Only a pending job moves, so a repeated or late
 * decision for a job that went on (or was cancelled) changes nothing. The transition's update
 * holds the job's row lock for the rest of the handler.
 */
@Component
class CreditDecisions {

  private final JobLifecycle lifecycle;
  private final JobsAwaitingCollections starts;

  CreditDecisions(JobLifecycle lifecycle, JobsAwaitingCollections starts) {
    this.lifecycle = lifecycle;
    this.starts = starts;
  }

  @InboxHandler("generator.credits-reserved")
  void reserved(CreditsReserved event) {
    starts.creditsReserved(event.jobId(), event.amount());
  }

  @InboxHandler("generator.credits-rejected")
  void rejected(CreditsReservationRejected event) {
    lifecycle.creditsRefused(event.jobId(), event.reason(),
        "Not enough credits: " + event.amount() + " needed, " + event.available() + " available");
  }
}
