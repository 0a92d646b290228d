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
    return new CollectionSnapshot(collection, receivers.of(collection.id()), previews.of(collection.id()));
  }
}
