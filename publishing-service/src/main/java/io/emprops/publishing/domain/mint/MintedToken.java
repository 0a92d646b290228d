package io.emprops.publishing.domain.mint;

import io.emprops.events.contract.Blockchain;
import java.time.Instant;
import java.util.UUID;

/**
 * A mint of a published collection that has the chain's confirmation depth, as the follower
 * applies it: one token row, one announcement.
 *
 * @param userId the collection's owner
 * @param owner the address the token was minted to (EIP-55)
 * @param hash the token hash fixed at mint, {@code 0x} + 64 hex digits
 * @param mintedAt the time of the block holding the mint
 */
public record MintedToken(UUID collectionId, String userId, Blockchain blockchain, long chainId,
    String contractAddress, long tokenId, String owner, String hash, String txHash, long blockNumber,
    String blockHash, Instant mintedAt) {}
