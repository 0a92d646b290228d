package io.emprops.publishing.domain.publication;

import io.emprops.publishing.chain.CollectionContract;
import java.math.BigInteger;
import java.net.URI;
import java.util.List;
import java.util.UUID;

/**
 * What a collection becomes on chain, decided once when its publication is accepted and kept with
 * it, so that every transaction signed for it (a replacement, a new nonce) deploys the same thing.
 *
 * @param priceWei what a token costs, in wei (decimal string: JSON numbers lose precision)
 * @param maxPerMint tokens one {@code mintBatch} may mint (1 when batch minting is off)
 * @param payees primary-sale receivers, basis points adding up to 10,000
 * @param royalties royalty receivers, basis points of a sale price (EIP-2981 rate = their sum)
 * @param owner the contract's owner; null: the publishing signer
 */
public record DeploymentPlan(
    String title,
    String description,
    String symbol,
    long editions,
    String priceWei,
    long maxPerMint,
    String coverImageUrl,
    List<Share> payees,
    List<Share> royalties,
    String owner) {

  public record Share(String address, int basisPoints) {}

  public int royaltyBasisPoints() {
    return royalties.stream().mapToInt(Share::basisPoints).sum();
  }

  /** ERC-721 {@code tokenURI} base: {@code <metadata base>/metadata/<collection>/}, the token id follows. */
  public static String baseTokenUri(URI metadataBase, UUID collectionId) {
    return stripSlash(metadataBase) + "/metadata/" + collectionId + "/";
  }

  /** ERC-7572 {@code contractURI}. */
  public static String contractUri(URI metadataBase, UUID collectionId) {
    return baseTokenUri(metadataBase, collectionId) + "contract";
  }

  static String stripSlash(URI base) {
    String text = base.toString();
    return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
  }

  CollectionContract.Arguments arguments(UUID collectionId, URI metadataBase, String signer) {
    return new CollectionContract.Arguments(title, symbol, editions, new BigInteger(priceWei), maxPerMint,
        baseTokenUri(metadataBase, collectionId), contractUri(metadataBase, collectionId),
        payees.stream().map(s -> new CollectionContract.Share(s.address(), s.basisPoints())).toList(),
        royalties.stream().map(s -> new CollectionContract.Share(s.address(), s.basisPoints())).toList(),
        owner == null ? signer : owner);
  }
}
