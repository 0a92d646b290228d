package io.emprops.events.contract;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The owner asked to publish a collection on chain (status is now {@code publishing}). Carries
 * everything publishing-service needs to deploy and mint, so it never asks collections-service.
 *
 * @param revision the collection revision being published
 * @param receivers sales receivers; their values sum to 100
 */
@EventType(value = "CollectionPublishRequested.v1", topic = Topic.COLLECTIONS)
public record CollectionPublishRequested(
    UUID collectionId,
    UUID projectId,
    String userId,
    long revision,
    String title,
    String description,
    Blockchain blockchain,
    int editions,
    BigDecimal price,
    String coverImageUrl,
    boolean batchMintEnabled,
    Integer batchMaxTokens,
    boolean encryptionEnabled,
    List<Receiver> receivers,
    Instant requestedAt)
    implements DomainEvent {

  public CollectionPublishRequested {
    receivers = List.copyOf(receivers);
  }

  @Override
  public String aggregateId() {
    return collectionId.toString();
  }
}
