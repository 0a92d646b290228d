package io.emprops.events.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * A minted token's image is generated and stored: its metadata now names the final image and may
 * be cached for good. Keyed by collection, after the token's {@link TokenMinted}.
 *
 * @param userId the collection's owner
 * @param jobId the generation that made the image ({@link TokenMinted#generationJobId()})
 * @param assetId the stored image
 * @param imageUrl the image's durable URL (CDN URL where one is configured)
 * @param metadataUrl the token's public metadata ({@code tokenURI})
 */
@EventType(value = "TokenReady.v1", topic = Topic.PUBLICATIONS)
public record TokenReady(
    UUID collectionId,
    String userId,
    long chainId,
    String contractAddress,
    long tokenId,
    String hash,
    UUID jobId,
    UUID assetId,
    String imageUrl,
    String metadataUrl,
    Instant readyAt)
    implements DomainEvent {

  @Override
  public String aggregateId() {
    return collectionId.toString();
  }
}
