package io.emprops.events.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * collections-service refused to create the collection a {@link CollectionGenerationRequested}
 * asked for (its own rules); nothing was created. The generator fails the job, so the credits
 * reserved for it are released and nothing is charged.
 *
 * @param reason why, in collections-service's words
 */
@EventType(value = "CollectionGenerationRejected.v1", topic = Topic.COLLECTIONS)
public record CollectionGenerationRejected(
    UUID collectionId, UUID jobId, String userId, String reason, Instant rejectedAt)
    implements DomainEvent {

  @Override
  public String aggregateId() {
    return collectionId.toString();
  }
}
