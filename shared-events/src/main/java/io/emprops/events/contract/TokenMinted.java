package io.emprops.events.contract;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/**
 * A collector minted a token of a published collection and the mint has the chain's confirmation
 * depth (a mint a reorg removed before that is never announced). The generator runs the token's one
 * generation with {@code hash} as its seed, under the job id {@link #generationJobId()}, so that a
 * redelivered announcement can never start a second generation and publishing knows which job
 * makes the token's image without being told.
 *
 * <p>On the publications topic, keyed by collection: a collection's tokens are announced in mint
 * order, after its {@link PublicationConfirmed}.
 *
 * @param userId the collection's owner, whose collection the generation belongs to
 * @param tokenId the ERC-721 token id (1 … editions)
 * @param owner the address the token was minted to (EIP-55)
 * @param hash the token hash fixed at mint ({@code 0x} + 64 hex digits): the seed of its image
 * @param blockHash the hash of the block the mint is in, as confirmed
 */
@EventType(value = "TokenMinted.v1", topic = Topic.PUBLICATIONS)
public record TokenMinted(
    UUID collectionId,
    String userId,
    Blockchain blockchain,
    long chainId,
    String contractAddress,
    long tokenId,
    String owner,
    String hash,
    String txHash,
    long blockNumber,
    String blockHash,
    Instant mintedAt)
    implements DomainEvent {

  /** The id of the generation job that makes this token's image. */
  public UUID generationJobId() {
    return generationJobIdOf(collectionId, tokenId, hash);
  }

  /**
   * A name-based UUID of the collection, token and hash: the same mint always maps to the same job,
   * in every service and on every delivery, and a token whose hash changed (re-minted on another
   * fork after a reorganisation deeper than the confirmations) gets a new generation.
   */
  public static UUID generationJobIdOf(UUID collectionId, long tokenId, String hash) {
    return UUID.nameUUIDFromBytes(("emprops:token:" + collectionId + ":" + tokenId + ":" + hash.toLowerCase(Locale.ROOT))
        .getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The id of the retry of a token's failed generation (the owner's {@code POST /jobs/{id}/retry}):
   * name-based on the failed job, so that publishing follows the token to the retry without being
   * told, and a retry of the retry is derived the same way.
   */
  public static UUID generationRetryJobIdOf(UUID failedJobId) {
    return UUID.nameUUIDFromBytes(("emprops:token-retry:" + failedJobId).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String aggregateId() {
    return collectionId.toString();
  }
}
