package io.emprops.events.contract;

import java.time.Instant;

/**
 * What publishing-service can do with collections of one blockchain, announced by every
 * publishing instance when it starts. collections-service keeps the latest announcement per
 * blockchain and refuses to start a publication the announcement says cannot happen.
 *
 * @param network the network collections of this blockchain are deployed on ({@code sepolia},
 *     {@code anvil}, …); null when none is configured
 * @param chainId the EVM chain id of that network; null when none
 * @param enabled whether publications of this blockchain are accepted now
 * @param confirmations blocks a deployment waits for; null when disabled
 * @param reason why not, when disabled (e.g. "Tezos publishing is not available yet")
 */
@EventType(value = "ChainSupportAnnounced.v1", topic = Topic.PUBLICATIONS)
public record ChainSupportAnnounced(
    Blockchain blockchain,
    String network,
    Long chainId,
    boolean enabled,
    Integer confirmations,
    String reason,
    Instant announcedAt)
    implements DomainEvent {

  /** Keyed by blockchain: each blockchain's announcements stay in order. */
  @Override
  public String aggregateId() {
    return blockchain.name();
  }
}
