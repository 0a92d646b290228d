package io.emprops.collections.domain;

import io.emprops.collections.persistence.CollectionRepository;
import io.emprops.collections.persistence.PreviewRepository;
import io.emprops.collections.persistence.ReceiverRepository;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Reads a collection's complete state, as events carry it. */
@Component
public class CollectionSnapshots {

  private final CollectionRepository collections;
  private final ReceiverRepository receivers;
  private final PreviewRepository previews;

  public CollectionSnapshots(CollectionRepository collections, ReceiverRepository receivers, PreviewRepository previews) {
    this.collections = collections;
    this.receivers = receivers;
    this.previews = previews;
  }

  /** Call inside the transaction of the change, after it. */
  public CollectionSnapshot of(UUID collectionId) {
    return of(collections.find(collectionId).orElseThrow(
        () -> new IllegalStateException("Collection " + collectionId + " vanished inside its own transaction")));
  }

  public CollectionSnapshot of(Collection collection) {
    CollectionFields f = collection.fields();
    return new CollectionSnapshot(
        collection.id(), collection.projectId(), collection.userId(), f.title(), f.description(),
        collection.status(), f.archived(), f.data(), f.editions(), f.price(), f.blockchain(), f.publishDate(),
        f.coverImageUrl(), f.batchMintEnabled(), f.batchMaxTokens(), f.encryptionEnabled(),
        receivers.of(collection.id()), previews.of(collection.id()), collection.custody(),
        collection.forkedFromId(), collection.createdAt(), collection.updatedAt(), collection.version());
  }
}
