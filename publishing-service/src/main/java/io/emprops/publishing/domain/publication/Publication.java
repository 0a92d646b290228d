package io.emprops.publishing.domain.publication;

import io.emprops.events.contract.Blockchain;
import java.time.Instant;
import java.util.UUID;

/**
 * One collection's publication, the row the saga resumes from.
 *
 * @param chainName the configured chain it is deployed on; null when it failed before one was chosen
 * @param nonce the signer nonce of the current transaction
 * @param txHash the current transaction: the one last signed, or the one that was mined
 * @param currentBroadcast whether {@code txHash} has been broadcast
 * @param blockNumber where the deployment was mined (while canonical), null before
 */
public record Publication(
    UUID collectionId,
    String userId,
    PublicationStatus status,
    Blockchain blockchain,
    String chainName,
    Long chainId,
    String signer,
    Long nonce,
    String contractAddress,
    String txHash,
    boolean currentBroadcast,
    Long blockNumber,
    String blockHash,
    int confirmations,
    String failureCode,
    String error,
    DeploymentPlan plan,
    long revision,
    Instant requestedAt,
    Instant submittedAt,
    Instant confirmedAt,
    Instant updatedAt) {

  public boolean hasTransaction() {
    return txHash != null;
  }
}
