package io.emprops.collections.messaging;

import io.emprops.collections.domain.Publications;
import io.emprops.events.contract.PublicationConfirmed;
import io.emprops.events.contract.PublicationFailed;
import io.emprops.events.contract.PublicationSubmitted;
import io.emprops.events.inbox.InboxHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The publishing service's side of the publication saga, applied to the collection: confirmed →
 * {@code published}, failed → {@code publish_failed}, submitted → the transaction is shown.
 * Each handler runs once per event, in the inbox's transaction.
 */
@Component
class PublicationOutcomes {

  private static final Logger log = LoggerFactory.getLogger(PublicationOutcomes.class);

  private final Publications publications;

  PublicationOutcomes(Publications publications) {
    this.publications = publications;
  }

  @InboxHandler("collections.publication-submitted")
  void submitted(PublicationSubmitted event) {
    publications.submitted(event.collectionId(), event.contractAddress(), event.txHash());
  }

  @InboxHandler("collections.publication-confirmed")
  void confirmed(PublicationConfirmed event) {
    if (!publications.confirmed(event.collectionId(), event.contractAddress(), event.txHash())) {
      // Not publishing (any more): e.g. an outcome of an attempt the collection has moved past.
      log.info("Ignored PublicationConfirmed for collection {}: it is not publishing", event.collectionId());
    }
  }

  @InboxHandler("collections.publication-failed")
  void failed(PublicationFailed event) {
    if (!publications.failed(event.collectionId(), event.error())) {
      log.info("Ignored PublicationFailed ({}) for collection {}: it is not publishing",
          event.code(), event.collectionId());
    }
  }
}
