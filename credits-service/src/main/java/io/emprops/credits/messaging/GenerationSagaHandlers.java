package io.emprops.credits.messaging;

import io.emprops.credits.domain.CreditAccounts;
import io.emprops.events.contract.GenerationCancelled;
import io.emprops.events.contract.GenerationCompleted;
import io.emprops.events.contract.GenerationFailed;
import io.emprops.events.contract.GenerationRequested;
import io.emprops.events.inbox.InboxHandler;
import org.springframework.stereotype.Component;

/**
 * The credits side of the generation saga (ARCHITECTURE.md, "Sagas"): hold credits when a job is
 * requested, charge what it spent and release the hold when it ends. Each handler runs once per
 * event (inbox) and each money movement once per job (ledger uniqueness), so redelivered,
 * repeated or out-of-order events never lose or double credits.
 */
@Component
class GenerationSagaHandlers {

  private final CreditAccounts accounts;

  GenerationSagaHandlers(CreditAccounts accounts) {
    this.accounts = accounts;
  }

  @InboxHandler("credits.reserve-for-generation")
  void requested(GenerationRequested event) {
    accounts.reserve(event.jobId(), event.userId(), event.amount());
  }

  @InboxHandler("credits.settle-completed-generation")
  void completed(GenerationCompleted event) {
    accounts.settle(event.jobId(), event.userId(), event.amountSpent(), "completed");
  }

  @InboxHandler("credits.settle-failed-generation")
  void failed(GenerationFailed event) {
    accounts.settle(event.jobId(), event.userId(), event.amountSpent(), "failed");
  }

  @InboxHandler("credits.settle-cancelled-generation")
  void cancelled(GenerationCancelled event) {
    accounts.settle(event.jobId(), event.userId(), event.amountSpent(), "cancelled");
  }
}
