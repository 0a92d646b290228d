package io.emprops.collections.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.emprops.collections.domain.PublicCollections.PublicCollection;
import io.emprops.collections.domain.SampleImage;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A collection as anyone may see it. Not included: the instruction set (the creator's recipe),
 * receivers' addresses and shares, the version and other bookkeeping of the owner.
 *
 * @param details what anyone may see, its members top-level in JSON
 * @param project the project it belongs to and its owner (for custodial collections, the
 *     provisioned user of {@code custody})
 * @param contractAddress where it was deployed, once publication was confirmed
 * @param assets its generated images, newest first; only in GET /collections/{id}/public
 */
public record PublicCollectionView(
    @JsonUnwrapped CollectionDetails details,
    boolean isRemixable,
    ProjectRef project,
    String contractAddress,
    @JsonInclude(Include.NON_NULL) List<ImageView> assets) {

  static PublicCollectionView of(PublicCollection p) {
    return new PublicCollectionView(CollectionDetails.of(p.collection()), p.preview().isOpenForRemix(),
        new ProjectRef(p.projectName(), p.collection().userId()),
        p.publication() == null ? null : p.publication().contractAddress(),
        p.assets() == null ? null : p.assets().stream().map(ImageView::of).toList());
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
