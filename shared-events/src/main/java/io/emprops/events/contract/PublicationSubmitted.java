package io.emprops.events.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * The deployment transaction of a collection was signed and sent; confirmations are awaited.
 * Publications are keyed by collection id: one publication per collection.
 *
 * @param contractAddress where the contract will live (known from the signer's nonce)
 * @param userId the collection's owner; null in events written before it was added
 */
@EventType(value = "PublicationSubmitted.v1", topic = Topic.PUBLICATIONS)
public record PublicationSubmitted(
    UUID collectionId,
    Blockchain blockchain,
    long chainId,
    String txHash,
    String contractAddress,
    Instant submittedAt,
    String userId)
    implements DomainEvent {

  /** Without the owner: the shape before {@code user_id} was added. */
  public PublicationSubmitted(UUID collectionId, Blockchain blockchain, long chainId, String txHash, String contractAddress,
      Instant submittedAt) {
    this(collectionId, blockchain, chainId, txHash, contractAddress, submittedAt, null);
  }

  @Override
  public String aggregateId() {
    return collectionId.toString();
  }
}
