package io.emprops.events.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * The collection's contract is deployed with enough confirmations; collections sets {@code published}.
 *
 * @param userId the collection's owner; null in events written before it was added
 */
@EventType(value = "PublicationConfirmed.v1", topic = Topic.PUBLICATIONS)
public record PublicationConfirmed(
    UUID collectionId,
    Blockchain blockchain,
    long chainId,
    String contractAddress,
    String txHash,
    long blockNumber,
    int confirmations,
    Instant confirmedAt,
    String userId)
    implements DomainEvent {

  /** Without the owner: the shape before {@code user_id} was added. */
  public PublicationConfirmed(UUID collectionId, Blockchain blockchain, long chainId, String contractAddress,
      String txHash, long blockNumber, int confirmations, Instant confirmedAt) {
    this(collectionId, blockchain, chainId, contractAddress, txHash, blockNumber, confirmations, confirmedAt, null);
  }

  @Override
  public String aggregateId() {
    return collectionId.toString();
  }
}
