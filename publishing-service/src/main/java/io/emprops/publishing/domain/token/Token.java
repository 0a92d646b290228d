package io.emprops.publishing.domain.token;

import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A minted token (a row the chain follower wrote once the mint was confirmed), followed through
 * its generation.
 *
 * @param userId the collection's owner
 * @param owner the address the token was minted to
 * @param hash the token hash fixed at mint, the seed of its image
 * @param jobId the generation that makes its image ({@code TokenMinted.generationJobIdOf})
 * @param assetId the stored image, once ready
 * @param imageUrl the image's durable URL, once ready
 * @param variables every variable's value in the token's generation (drawn picks, defaults), a
 *     JSON object by name; null until the generation reported a step
 * @param generationHash the hash the generation ran with, as it reported it; null like {@code variables}
 * @param failureCode the generation's failure code when it failed
 */
public record Token(
    UUID collectionId,
    long tokenId,
    String userId,
    long chainId,
    String contractAddress,
    String owner,
    String hash,
    String txHash,
    long blockNumber,
    Instant mintedAt,
    UUID jobId,
    TokenStatus status,
    UUID assetId,
    String imageUrl,
    JsonNode variables,
    String generationHash,
    String failureCode,
    String error,
    Instant readyAt) {}
