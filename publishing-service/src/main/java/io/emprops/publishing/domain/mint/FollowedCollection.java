package io.emprops.publishing.domain.mint;

import io.emprops.events.contract.Blockchain;
import java.util.UUID;

/**
 * A confirmed collection whose contract's mints are followed.
 *
 * @param contractAddress as the publication has it
 * @param followedTo the last block whose logs of this contract were applied
 */
public record FollowedCollection(UUID collectionId, String userId, Blockchain blockchain, long chainId,
    String contractAddress, long followedTo) {}
