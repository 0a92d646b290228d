package io.emprops.events.contract;

import java.time.Instant;
import java.util.UUID;

/** A collection was archived by its owner; read models stop offering it. */
@EventType(value = "CollectionArchived.v1", topic = Topic.COLLECTIONS)
public record CollectionArchived(
    UUID collectionId, UUID projectId, String userId, long revision, Instant archivedAt)
    implements DomainEvent {

  @Override
  public String aggregateId() {
    return collectionId.toString();
  }
}
