package io.emprops.publishing.domain.mint;

/** The last block the follower applied on a chain, and its hash when applied. */
public record ChainCursor(long chainId, long blockNumber, String blockHash) {}
