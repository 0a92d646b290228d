package io.emprops.publishing.messaging;

import io.emprops.events.contract.TokenReady;
import io.emprops.events.outbox.Outbox;
import io.emprops.publishing.domain.token.Token;
import io.emprops.publishing.domain.token.TokenNotifications;
import org.springframework.stereotype.Component;

/** Publishes {@code TokenReady} on {@code emprops.publications} through the transactional outbox. */
@Component
class OutboxTokenNotifications implements TokenNotifications {

  private final Outbox outbox;

  OutboxTokenNotifications(Outbox outbox) {
    this.outbox = outbox;
  }

  @Override
  public void ready(Token t, String metadataUrl) {
    outbox.publish(new TokenReady(t.collectionId(), t.userId(), t.chainId(), t.contractAddress(), t.tokenId(),
        t.hash(), t.jobId(), t.assetId(), t.imageUrl(), metadataUrl, t.readyAt()));
  }
}
