package io.emprops.publishing.messaging;

import io.emprops.events.contract.TokenMinted;
import io.emprops.events.outbox.Outbox;
import io.emprops.publishing.domain.mint.MintNotifications;
import io.emprops.publishing.domain.mint.MintedToken;
import org.springframework.stereotype.Component;

/** Publishes {@code TokenMinted} on {@code emprops.publications} through the transactional outbox. */
@Component
class OutboxMintNotifications implements MintNotifications {

  private final Outbox outbox;

  OutboxMintNotifications(Outbox outbox) {
    this.outbox = outbox;
  }

  @Override
  public void minted(MintedToken t) {
    outbox.publish(new TokenMinted(t.collectionId(), t.userId(), t.blockchain(), t.chainId(), t.contractAddress(),
        t.tokenId(), t.owner(), t.hash(), t.txHash(), t.blockNumber(), t.blockHash(), t.mintedAt()));
  }
}
