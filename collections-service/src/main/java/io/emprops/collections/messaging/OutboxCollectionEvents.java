package io.emprops.collections.messaging;

import io.emprops.collections.domain.Collection;
import io.emprops.collections.domain.CollectionEvents;
import io.emprops.collections.domain.CollectionFields;
import io.emprops.collections.domain.CollectionSnapshot;
import io.emprops.events.contract.Blockchain;
import io.emprops.events.contract.CollectionArchived;
import io.emprops.events.contract.CollectionCreated;
import io.emprops.events.contract.CollectionGenerationRejected;
import io.emprops.events.contract.CollectionPublishRequested;
import io.emprops.events.contract.CollectionStatus;
import io.emprops.events.contract.CollectionUpdated;
import io.emprops.events.contract.Receiver;
import io.emprops.events.outbox.Outbox;
import java.time.Clock;
import java.util.UUID;
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
  public void created(CollectionSnapshot snapshot) {
    outbox.publish(new CollectionCreated(stateOf(snapshot)));
  }

  @Override
  public void updated(CollectionSnapshot snapshot) {
    outbox.publish(new CollectionUpdated(stateOf(snapshot)));
  }

  @Override
  public void archived(CollectionSnapshot snapshot) {
    // Archiving is the update that set the flag: its time is the snapshot's updatedAt.
    Collection c = snapshot.collection();
    outbox.publish(new CollectionArchived(c.id(), c.projectId(), c.userId(), c.version(), c.updatedAt()));
  }

  @Override
  public void publishRequested(CollectionSnapshot snapshot) {
    // Publication was requested by the transition that set `publishing` (and updatedAt);
    // the request has validated that blockchain and editions are set.
    Collection c = snapshot.collection();
    CollectionFields f = c.fields();
    outbox.publish(new CollectionPublishRequested(
        c.id(), c.projectId(), c.userId(), c.version(),
        f.title(), f.description(), blockchainOf(f), f.editions(),
        f.price(), f.coverImageUrl(), f.batchMintEnabled(),
        f.batchMaxTokens(), f.encryptionEnabled(),
        snapshot.receivers().stream()
            .map(r -> new Receiver(r.address(), r.value(), r.type().wireName()))
            .toList(),
        c.updatedAt()));
  }

  /**
   * There is no deletion contract. What read models must do with a deleted collection is what
   * CollectionArchived asks of them: stop offering it. The revision is one past the last state,
   * which a deleted collection can never reach otherwise, so that read models holding that last
   * snapshot do not discard the event as stale.
   */
  @Override
  public void deleted(CollectionSnapshot snapshot) {
    Collection c = snapshot.collection();
    outbox.publish(new CollectionArchived(c.id(), c.projectId(), c.userId(), c.version() + 1, clock.instant()));
  }

  @Override
  public void generationRejected(UUID collectionId, UUID jobId, String userId, String reason) {
    outbox.publish(new CollectionGenerationRejected(collectionId, jobId, userId, reason, clock.instant()));
  }

  /** The one mapping of a collection's state to the shared contract. */
  private static io.emprops.events.contract.CollectionSnapshot stateOf(CollectionSnapshot snapshot) {
    Collection c = snapshot.collection();
    CollectionFields f = c.fields();
    return new io.emprops.events.contract.CollectionSnapshot(
        c.id(), c.projectId(), c.userId(), c.version(),
        f.title(), f.description(), statusOf(c), f.archived(),
        f.data(), f.editions(), f.price(), blockchainOf(f),
        f.publishDate(), f.coverImageUrl(), f.batchMintEnabled(),
        f.batchMaxTokens(), f.encryptionEnabled(), snapshot.preview().enabled(),
        snapshot.preview().isRemixable(), c.createdAt(), c.updatedAt());
  }

  private static CollectionStatus statusOf(Collection collection) {
    return switch (collection.status()) {
      case DRAFT -> CollectionStatus.DRAFT;
      case PUBLISHING -> CollectionStatus.PUBLISHING;
      case PUBLISHED -> CollectionStatus.PUBLISHED;
      case PUBLISH_FAILED -> CollectionStatus.PUBLISH_FAILED;
    };
  }

  private static Blockchain blockchainOf(CollectionFields fields) {
    return fields.blockchain() == null ? null : switch (fields.blockchain()) {
      case ETHEREUM -> Blockchain.ETHEREUM;
      case BASE -> Blockchain.BASE;
      case TEZOS -> Blockchain.TEZOS;
    };
  }
}
