package io.emprops.events.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * Publishing gave up on a collection; collections sets {@code publish_failed}.
 *
 * @param chainId null when the failure happened before a chain was chosen (e.g. chain disabled)
 * @param code machine code, e.g. {@code CHAIN_DISABLED}, {@code TX_REVERTED}
 * @param txHash the failed transaction, null when none was sent
 * @param userId the collection's owner; null in events written before it was added
 */
@EventType(value = "PublicationFailed.v1", topic = Topic.PUBLICATIONS)
public record PublicationFailed(
    UUID collectionId,
    Blockchain blockchain,
    Long chainId,
    String code,
    String error,
    String txHash,
    Instant failedAt,
    String userId)
    implements DomainEvent {

  /** Without the owner: the shape before {@code user_id} was added. */
  public PublicationFailed(UUID collectionId, Blockchain blockchain, Long chainId, String code, String error, String txHash,
      Instant failedAt) {
    this(collectionId, blockchain, chainId, code, error, txHash, failedAt, null);
  }

  @Override
  public String aggregateId() {
    return collectionId.toString();
  }
}
