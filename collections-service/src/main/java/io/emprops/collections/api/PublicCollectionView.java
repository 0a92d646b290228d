package io.emprops.collections.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import io.emprops.collections.domain.Blockchain;
import io.emprops.collections.domain.CollectionFields;
import io.emprops.collections.domain.CollectionStatus;
import io.emprops.collections.domain.Custody;
import io.emprops.collections.domain.PublicCollections.PublicCollection;
import io.emprops.collections.domain.SampleImage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A collection as anyone may see it. Not included: the instruction set (the creator's recipe),
 * receivers' addresses and shares, the version and other bookkeeping of the owner.
 *
 * @param project the project it belongs to and its owner (for custodial collections, the
 *     provisioned user of {@code custody})
 * @param contractAddress where it was deployed, once publication was confirmed
 * @param assets its generated images, newest first; only in GET /collections/{id}/public
 */
public record PublicCollectionView(
    UUID id,
    String title,
    String description,
    CollectionStatus status,
    Integer editions,
    BigDecimal price,
    Blockchain blockchain,
    Instant publishDate,
    String coverImageUrl,
    boolean batchMintEnabled,
    Integer batchMaxTokens,
    boolean encryptionEnabled,
    boolean isRemixable,
    ProjectRef project,
    Custody custody,
    String contractAddress,
    @JsonInclude(Include.NON_NULL) List<ImageView> assets,
    Instant createdAt,
    Instant updatedAt) {

  static PublicCollectionView of(PublicCollection p) {
    CollectionFields f = p.collection().fields();
    return new PublicCollectionView(p.collection().id(), f.title(), f.description(), p.collection().status(),
        f.editions(), f.price(), f.blockchain(), f.publishDate(), f.coverImageUrl(), f.batchMintEnabled(),
        f.batchMaxTokens(), f.encryptionEnabled(), p.preview().isOpenForRemix(),
        new ProjectRef(p.projectName(), p.collection().userId()), p.collection().custody(),
        p.publication() == null ? null : p.publication().contractAddress(),
        p.assets() == null ? null : p.assets().stream().map(ImageView::of).toList(),
        p.collection().createdAt(), p.collection().updatedAt());
  }

  /** A project as the public sees it: its name and its owner. */
  public record ProjectRef(String name, String userId) {}

  /** A generated image. */
  public record ImageView(UUID assetId, String url, String altText, Instant createdAt) {
    static ImageView of(SampleImage image) {
      return new ImageView(image.assetId(), image.url(), image.altText(), image.createdAt());
    }
  }
}
