package io.emprops.publishing.domain.metadata;

import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A token's metadata, what its {@code tokenURI} points at (ERC-721 metadata JSON, with the
 * OpenSea-style {@code attributes} and {@code external_url}).
 *
 * @param image the token's stored image; a placeholder while it is made or when making it failed
 * @param animationUrl always null: tokens are still images
 * @param attributes the generation's variables, by name, then a {@code status} trait while not ready
 * @param hash the token hash fixed at mint, the seed of its image
 * @param properties what reproduces the image: the collection (its instruction set as published),
 *     the hash and the values the generation drew
 */
public record TokenMetadata(
    String name,
    String description,
    String image,
    String animationUrl,
    String externalUrl,
    List<Attribute> attributes,
    String hash,
    Properties properties) {

  /** @param value a string, number or boolean (a variable holding anything else, as JSON text) */
  public record Attribute(String traitType, Object value) {}

  /**
   * @param collectionRevision the revision of the collection that was published: its instruction set
   *     with {@code hash} and {@code variables} makes the image again
   * @param generationHash the hash the generation reported (the token hash); null before it ran
   * @param variables every variable's value in the token's generation; null before it ran
   * @param status minted | generating | ready | failed
   * @param error why the generation failed, when it did
   */
  public record Properties(
      UUID collectionId,
      long collectionRevision,
      long tokenId,
      long chainId,
      String contractAddress,
      String hash,
      String generationHash,
      UUID jobId,
      JsonNode variables,
      String status,
      String error) {}
}
