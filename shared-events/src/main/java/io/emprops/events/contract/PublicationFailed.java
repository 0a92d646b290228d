package io.emprops.events.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * Publishing gave up on a collection; collections sets {@code publish_failed}.
 *
 * @param chainId null when the failure happened before a chain was chosen (e.g. chain disabled)
 * @param code machine code, e.g. {@code CHAIN_DISABLED}, {@code TX_REVERTED}
 * @param txHash the failed transaction, null when none was sent
 */
@EventType(value = "PublicationFailed.v1", topic = Topic.PUBLICATIONS)
public record PublicationFailed(
    UUID collectionId,
    Blockchain blockchain,
    Long chainId,
    String code,
    String error,
    String txHash,
    Instant failedAt)
    implements DomainEvent {

  @Override
  public String aggregateId() {
    return collectionId.toString();
  }
}
