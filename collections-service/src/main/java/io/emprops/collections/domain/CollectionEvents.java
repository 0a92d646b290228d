package io.emprops.collections.domain;

import java.util.UUID;

/**
 * The port through which collection changes leave the service (topic {@code emprops.collections}).
 * Every method is called inside the transaction that made the change, with the state after it, so
 * an outbox implementation commits the event together with the change or not at all.
 */
public interface CollectionEvents {

  void created(CollectionSnapshot collection);

  /** Any change but the ones below: fields, instruction set, receivers, preview, owner, status. */
  void updated(CollectionSnapshot collection);

  /** The owner archived the collection (it leaves the feed and public listings). */
  void archived(CollectionSnapshot collection);

  /** Publication was requested: publishing deploys and mints from exactly this snapshot. */
  void publishRequested(CollectionSnapshot collection);

  /** The collection was deleted with its project; the snapshot is its last state. */
  void deleted(CollectionSnapshot collection);

  /**
   * The collection the generator asked for (for job {@code jobId}) was not created: its fields
   * break the rules {@code reason} names.
   */
  void generationRejected(UUID collectionId, UUID jobId, String userId, String reason);
}
