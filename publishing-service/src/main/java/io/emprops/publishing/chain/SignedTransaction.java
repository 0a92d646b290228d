package io.emprops.publishing.chain;

import java.math.BigInteger;

/**
 * A transaction signed and ready to be broadcast, any number of times: the same bytes always
 * have the same hash, and a chain executes them at most once.
 *
 * @param raw the signed transaction, 0x-hex, as {@code eth_sendRawTransaction} takes it
 * @param contractAddress where a deployment lands (from the signer and the nonce)
 */
public record SignedTransaction(
    String hash, String raw, String signer, BigInteger nonce, BigInteger gasLimit, Fees fees, String contractAddress) {}
