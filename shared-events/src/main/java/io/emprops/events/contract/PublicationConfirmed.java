package io.emprops.events.contract;

import java.time.Instant;
import java.util.UUID;

/** The collection's contract is deployed with enough confirmations; collections sets {@code published}. */
@EventType(value = "PublicationConfirmed.v1", topic = Topic.PUBLICATIONS)
public record PublicationConfirmed(
    UUID collectionId,
    Blockchain blockchain,
    long chainId,
    String contractAddress,
    String txHash,
    long blockNumber,
    int confirmations,
    Instant confirmedAt)
    implements DomainEvent {

  @Override
  public String aggregateId() {
    return collectionId.toString();
  }
}
