package io.emprops.events.contract;

import java.time.Instant;
import java.util.UUID;

/** The owner deleted an asset; its object is gone and read models drop it. */
@EventType(value = "AssetDeleted.v1", topic = Topic.ASSETS)
public record AssetDeleted(UUID assetId, String userId, UUID collectionId, Instant deletedAt)
    implements DomainEvent {

  @Override
  public String aggregateId() {
    return assetId.toString();
  }
}
