package io.emprops.collections.domain;

import io.emprops.collections.persistence.CollectionRepository;
import io.emprops.collections.persistence.PublicationRepository;
import io.emprops.collections.persistence.PublishableChainRepository;
import io.emprops.collections.persistence.ReceiverRepository;
import io.emprops.web.api.ApiException;
import io.emprops.web.api.ErrorCode;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The collections side of the publication saga (ARCHITECTURE.md, "Sagas"): a request moves the
 * collection to {@code publishing} and emits the snapshot to publish; the publishing service's
 * outcome moves it to {@code published} or {@code publish_failed}.
 */
@Service
@Transactional
public class Publications {

  private static final List<CollectionStatus> REQUESTABLE = List.of(CollectionStatus.DRAFT, CollectionStatus.PUBLISH_FAILED);

  private final Collections collections;
  private final CollectionRepository collectionRows;
  private final ReceiverRepository receivers;
  private final PublicationRepository publications;
  private final CollectionSnapshots snapshots;
  private final CollectionEvents events;
  private final PublishableChainRepository publishableChains;

  public Publications(Collections collections, CollectionRepository collectionRows, ReceiverRepository receivers,
      PublicationRepository publications, CollectionSnapshots snapshots, CollectionEvents events,
      PublishableChainRepository publishableChains) {
    this.collections = collections;
    this.collectionRows = collectionRows;
    this.receivers = receivers;
    this.publications = publications;
    this.snapshots = snapshots;
    this.events = events;
    this.publishableChains = publishableChains;
  }

  /**
   * 409 when publishing or published already; 400 naming what is missing to publish; 422
   * {@code CHAIN_UNSUPPORTED} when the publishing service announced it cannot publish the
   * collection's blockchain (Tezos until it can, a chain it runs disabled). A blockchain it has not
   * announced yet is accepted: the saga then fails it if it must.
   */
  public Collection request(String userId, UUID collectionId) {
    Collection collection = collections.lockOwned(userId, collectionId);
    if (!collection.status().canRequestPublication()) {
      throw ApiException.conflict("The collection is " + collection.status().wireName() + " already");
    }
    if (collection.fields().archived()) {
      throw ApiException.conflict("The collection is archived; unarchive it to publish it");
    }
    Violations violations = new Violations();
    CollectionFields fields = collection.fields();
    if (fields.blockchain() == null) {
      violations.add("blockchain", "is required to publish");
    }
    if (fields.editions() == null) {
      violations.add("editions", "is required to publish");
    }
    if (fields.data().path("steps").isEmpty()) {
      violations.add("data.steps", "must hold at least one step to publish");
    }
    CollectionReceivers.checkPublishable(receivers.of(collectionId), fields.blockchain(), violations);
    violations.throwIfAny();
    publishableChains.refusal(fields.blockchain().name()).ifPresent(reason -> {
      throw new ApiException(ErrorCode.CHAIN_UNSUPPORTED, fields.blockchain().name() + " collections cannot be published: "
          + reason);
    });
    collectionRows.transition(collectionId, REQUESTABLE, CollectionStatus.PUBLISHING);
    publications.requested(collectionId);
    events.publishRequested(snapshots.of(collectionId));
    return collectionRows.find(collectionId).orElseThrow();
  }

  /** PublicationSubmitted: shows the deployment transaction while confirmations are awaited. */
  public void submitted(UUID collectionId, String contractAddress, String txHash) {
    publications.submitted(collectionId, contractAddress, txHash);
  }

  /**
   * PublicationConfirmed. Repeating it (a redelivered event) changes nothing.
   *
   * @return whether the collection moved to published
   */
  public boolean confirmed(UUID collectionId, String contractAddress, String txHash) {
    if (!collectionRows.transition(collectionId, List.of(CollectionStatus.PUBLISHING), CollectionStatus.PUBLISHED)) {
      return false;
    }
    publications.confirmed(collectionId, contractAddress, txHash);
    events.updated(snapshots.of(collectionId));
    return true;
  }

  /**
   * PublicationFailed: the owner may fix the collection and request publication again.
   *
   * @return whether the collection moved to publish_failed
   */
  public boolean failed(UUID collectionId, String error) {
    if (!collectionRows.transition(collectionId, List.of(CollectionStatus.PUBLISHING), CollectionStatus.PUBLISH_FAILED)) {
      return false;
    }
    publications.failed(collectionId, error);
    events.updated(snapshots.of(collectionId));
    return true;
  }

  @Transactional(readOnly = true)
  public Optional<PublicationState> stateOf(UUID collectionId) {
    return publications.find(collectionId);
  }
}
