package io.emprops.generator.messaging;

import io.emprops.events.contract.CreditsGranted;
import io.emprops.events.contract.CreditsReleased;
import io.emprops.events.contract.CreditsReservationRejected;
import io.emprops.events.contract.CreditsReserved;
import io.emprops.events.inbox.InboxHandler;
import io.emprops.generator.domain.credit.CreditStandings;
import io.emprops.generator.domain.execution.JobLifecycle;
import io.emprops.generator.domain.execution.JobsAwaitingCollections;
import org.springframework.stereotype.Component;

/**
 * Step 2 of the saga as the generator sees it: credits-service's decision moves a pending job
 * to {@code queued} and starts executing it (once its collection is known: see
 * {@link JobsAwaitingCollections}), or fails it. Only a pending job moves, so a repeated or late
 * decision for a job that went on (or was cancelled) changes nothing. The transition's update
 * holds the job's row lock for the rest of the handler.
 *
 * <p>Every credits event also moves the user's credit standing ({@link CreditStandings}), which a
 * job may start on before its decision; the standing is updated before the job, the order in
 * which a start on the standing takes the two locks. Credits events are keyed by user, so they
 * arrive in the order credits-service made them.
 */
@Component
class CreditDecisions {

  private final JobLifecycle lifecycle;
  private final JobsAwaitingCollections starts;
  private final CreditStandings standings;

  CreditDecisions(JobLifecycle lifecycle, JobsAwaitingCollections starts, CreditStandings standings) {
    this.lifecycle = lifecycle;
    this.starts = starts;
    this.standings = standings;
  }

  @InboxHandler("generator.credits-reserved")
  void reserved(CreditsReserved event) {
    standings.known(event.userId(), event.available());
    starts.creditsReserved(event.jobId(), event.amount());
  }

  @InboxHandler("generator.credits-rejected")
  void rejected(CreditsReservationRejected event) {
    standings.known(event.userId(), event.available());
    lifecycle.creditsRefused(event.jobId(), event.reason(),
        "Not enough credits: " + event.amount() + " needed, " + event.available() + " available");
  }

  @InboxHandler("generator.credits-released")
  void released(CreditsReleased event) {
    standings.known(event.userId(), event.available());
  }

  @InboxHandler("generator.credits-granted")
  void granted(CreditsGranted event) {
    standings.granted(event.userId(), event.amount(), event.balance());
  }
}
