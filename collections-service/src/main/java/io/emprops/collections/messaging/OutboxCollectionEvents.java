package io.emprops.collections.messaging;

import io.emprops.collections.domain.CollectionEvents;
import io.emprops.collections.domain.CollectionSnapshot;
import io.emprops.events.contract.Blockchain;
import io.emprops.events.contract.CollectionArchived;
import io.emprops.events.contract.CollectionCreated;
import io.emprops.events.contract.CollectionPublishRequested;
import io.emprops.events.contract.CollectionStatus;
import io.emprops.events.contract.CollectionUpdated;
import io.emprops.events.contract.Receiver;
import io.emprops.events.outbox.Outbox;
import java.time.Clock;
import org.springframework.stereotype.Component;

/**
 * Publishes collection changes on {@code emprops.collections} through the transactional outbox:
 * every event commits with the change it describes, or not at all. Maps the service's own snapshot
 * to the shared contracts, so the domain never sees them.
 */
@Component
class OutboxCollectionEvents implements CollectionEvents {

  private final Outbox outbox;
  private final Clock clock = Clock.systemUTC();

  OutboxCollectionEvents(Outbox outbox) {
    this.outbox = outbox;
  }

  @Override
  public void created(CollectionSnapshot collection) {
    outbox.publish(new CollectionCreated(stateOf(collection)));
  }

  @Override
  public void updated(CollectionSnapshot collection) {
    outbox.publish(new CollectionUpdated(stateOf(collection)));
  }

  @Override
  public void archived(CollectionSnapshot collection) {
    // Archiving is the update that set the flag: its time is the snapshot's updatedAt.
    outbox.publish(new CollectionArchived(collection.id(), collection.projectId(), collection.userId(),
        collection.version(), collection.updatedAt()));
  }

  @Override
  public void publishRequested(CollectionSnapshot collection) {
    // Publication was requested by the transition that set `publishing` (and updatedAt);
    // the request has validated that blockchain and editions are set.
    outbox.publish(new CollectionPublishRequested(
        collection.id(), collection.projectId(), collection.userId(), collection.version(),
        collection.title(), collection.description(), blockchainOf(collection), collection.editions(),
        collection.price(), collection.coverImageUrl(), collection.batchMintEnabled(),
        collection.batchMaxTokens(), collection.encryptionEnabled(),
        collection.receivers().stream()
            .map(r -> new Receiver(r.address(), r.value(), r.type().wireName()))
            .toList(),
        collection.updatedAt()));
  }

  /**
   * There is no deletion contract. What read models must do with a deleted collection is what
   * CollectionArchived asks of them: stop offering it. The revision is one past the last state,
   * which a deleted collection can never reach otherwise, so that read models holding that last
   * snapshot do not discard the event as stale.
   */
  @Override
  public void deleted(CollectionSnapshot collection) {
    outbox.publish(new CollectionArchived(collection.id(), collection.projectId(), collection.userId(),
        collection.version() + 1, clock.instant()));
  }

  private static io.emprops.events.contract.CollectionSnapshot stateOf(CollectionSnapshot collection) {
    return new io.emprops.events.contract.CollectionSnapshot(
        collection.id(), collection.projectId(), collection.userId(), collection.version(),
        collection.title(), collection.description(), statusOf(collection), collection.archived(),
        collection.data(), collection.editions(), collection.price(), blockchainOf(collection),
        collection.publishDate(), collection.coverImageUrl(), collection.batchMintEnabled(),
        collection.batchMaxTokens(), collection.encryptionEnabled(), collection.preview().enabled(),
        collection.preview().isRemixable(), collection.createdAt(), collection.updatedAt());
  }

  private static CollectionStatus statusOf(CollectionSnapshot collection) {
    return switch (collection.status()) {
      case DRAFT -> CollectionStatus.DRAFT;
      case PUBLISHING -> CollectionStatus.PUBLISHING;
      case PUBLISHED -> CollectionStatus.PUBLISHED;
      case PUBLISH_FAILED -> CollectionStatus.PUBLISH_FAILED;
    };
  }

  private static Blockchain blockchainOf(CollectionSnapshot collection) {
    return collection.blockchain() == null ? null : switch (collection.blockchain()) {
      case ETHEREUM -> Blockchain.ETHEREUM;
      case BASE -> Blockchain.BASE;
      case TEZOS -> Blockchain.TEZOS;
    };
  }
}
