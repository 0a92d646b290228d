package io.emprops.publishing.messaging;

import io.emprops.events.contract.CollectionPublishRequested;
import io.emprops.events.inbox.InboxHandler;
import io.emprops.publishing.domain.publication.PublishRequest;
import io.emprops.publishing.domain.publication.Publications;
import org.springframework.stereotype.Component;

/**
 * The start of the publication saga (ARCHITECTURE.md, "Publication"): a publish request becomes
 * the collection's publication row, once per event (inbox), once per collection (the row).
 */
@Component
class PublishRequestHandlers {

  private final Publications publications;

  PublishRequestHandlers(Publications publications) {
    this.publications = publications;
  }

  @InboxHandler("publishing.accept-publish-request")
  void requested(CollectionPublishRequested event) {
    publications.request(new PublishRequest(event.collectionId(), event.userId(), event.revision(), event.title(),
        event.description(), event.blockchain(), event.editions(), event.price(), event.coverImageUrl(),
        event.batchMintEnabled(), event.batchMaxTokens(),
        event.receivers().stream().map(r -> new PublishRequest.Receiver(r.address(), r.value(), r.type())).toList(),
        event.requestedAt()));
  }
}
