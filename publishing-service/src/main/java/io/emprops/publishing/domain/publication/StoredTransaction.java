package io.emprops.publishing.domain.publication;

import io.emprops.publishing.chain.Fees;
import java.math.BigInteger;
import java.time.Instant;
import java.util.UUID;

/** A signed deployment transaction as stored before its broadcast; {@code broadcastAt} null until sent. */
public record StoredTransaction(
    String txHash,
    UUID collectionId,
    long chainId,
    String signer,
    BigInteger nonce,
    BigInteger gasLimit,
    Fees fees,
    String raw,
    String contractAddress,
    Instant signedAt,
    Instant broadcastAt) {}
