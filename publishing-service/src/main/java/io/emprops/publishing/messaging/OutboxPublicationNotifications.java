package io.emprops.publishing.messaging;

import io.emprops.events.contract.ChainSupportAnnounced;
import io.emprops.events.contract.PublicationConfirmed;
import io.emprops.events.contract.PublicationFailed;
import io.emprops.events.contract.PublicationSubmitted;
import io.emprops.events.outbox.Outbox;
import io.emprops.publishing.domain.chains.ChainNotifications;
import io.emprops.publishing.domain.chains.Chains;
import io.emprops.publishing.domain.publication.Publication;
import io.emprops.publishing.domain.publication.PublicationNotifications;
import java.time.Clock;
import java.util.List;
import org.springframework.stereotype.Component;

/** Publishes the events of {@code emprops.publications} through the transactional outbox. */
@Component
class OutboxPublicationNotifications implements PublicationNotifications, ChainNotifications {

  private final Outbox outbox;
  private final Clock clock;

  OutboxPublicationNotifications(Outbox outbox, Clock clock) {
    this.outbox = outbox;
    this.clock = clock;
  }

  @Override
  public void submitted(Publication p) {
    outbox.publish(new PublicationSubmitted(p.collectionId(), p.blockchain(), p.chainId(), p.txHash(),
        p.contractAddress(), clock.instant(), p.userId()));
  }

  @Override
  public void confirmed(Publication p) {
    outbox.publish(new PublicationConfirmed(p.collectionId(), p.blockchain(), p.chainId(), p.contractAddress(),
        p.txHash(), p.blockNumber(), p.confirmations(), p.confirmedAt() == null ? clock.instant() : p.confirmedAt(),
        p.userId()));
  }

  @Override
  public void failed(Publication p) {
    // A transaction hash only when one was mined (reverted): failures before that sent nothing.
    String txHash = p.blockNumber() == null ? null : p.txHash();
    outbox.publish(new PublicationFailed(p.collectionId(), p.blockchain(), p.chainId(), p.failureCode(), p.error(),
        txHash, clock.instant(), p.userId()));
  }

  @Override
  public void announced(List<Chains.Availability> availability) {
    outbox.publishAll(availability.stream().map(a -> new ChainSupportAnnounced(a.blockchain(),
        a.chain() == null ? null : a.chain().network(), a.chain() == null ? null : a.chain().chainId(),
        a.publishable(), a.publishable() ? a.chain().confirmations() : null, a.reason(), clock.instant())).toList());
  }
}
