package io.emprops.collections.api;

import io.emprops.collections.domain.Blockchain;
import io.emprops.collections.domain.Collection;
import io.emprops.collections.domain.CollectionFields;
import io.emprops.collections.domain.CollectionStatus;
import io.emprops.collections.domain.Custody;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * What anyone may see of a collection, listed once: the owner's {@link CollectionView} and the
 * {@link PublicCollectionView} both embed it (unwrapped, so its members stay top-level in JSON).
 *
 * @param custody the social identity it is held for, or null
 */
public record CollectionDetails(
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
    Custody custody,
    Instant createdAt,
    Instant updatedAt) {

  static CollectionDetails of(Collection c) {
    CollectionFields f = c.fields();
    return new CollectionDetails(c.id(), f.title(), f.description(), c.status(), f.editions(), f.price(),
        f.blockchain(), f.publishDate(), f.coverImageUrl(), f.batchMintEnabled(), f.batchMaxTokens(),
        f.encryptionEnabled(), c.custody(), c.createdAt(), c.updatedAt());
  }
}
