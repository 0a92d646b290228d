package io.emprops.collections.messaging;

import io.emprops.collections.persistence.PublishableChainRepository;
import io.emprops.events.contract.ChainSupportAnnounced;
import io.emprops.events.inbox.InboxHandler;
import org.springframework.stereotype.Component;

/** Keeps what the publishing service says it can publish, so publish requests it cannot take are refused up front. */
@Component
class PublishableChains {

  private final PublishableChainRepository chains;

  PublishableChains(PublishableChainRepository chains) {
    this.chains = chains;
  }

  @InboxHandler("collections.record-chain-support")
  void announced(ChainSupportAnnounced event) {
    chains.announced(event.blockchain().name(), event.enabled(), event.network(), event.chainId(), event.reason(),
        event.announcedAt());
  }
}
