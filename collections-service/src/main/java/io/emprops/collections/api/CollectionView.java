package io.emprops.collections.api;

import io.emprops.collections.domain.Blockchain;
import io.emprops.collections.domain.Collection;
import io.emprops.collections.domain.CollectionFields;
import io.emprops.collections.domain.CollectionStatus;
import io.emprops.collections.domain.Custody;
import io.emprops.collections.domain.PreviewSettings;
import io.emprops.collections.domain.PublicationState;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A collection as its owner sees it: everything, including the instruction set. {@code version}
 * is also sent as the ETag; send it back in If-Match to update only that version.
 *
 * @param custody the social identity it is held for, or null
 * @param publication what publishing reported, or null before publication was requested
 */
public record CollectionView(
    UUID id,
    UUID projectId,
    String userId,
    String title,
    String description,
    CollectionStatus status,
    boolean archived,
    JsonNode data,
    Integer editions,
    BigDecimal price,
    Blockchain blockchain,
    Instant publishDate,
    String coverImageUrl,
    boolean batchMintEnabled,
    Integer batchMaxTokens,
    boolean encryptionEnabled,
    boolean isCurrent,
    UUID forkedFromId,
    PreviewView preview,
    Custody custody,
    PublicationState publication,
    long version,
    Instant createdAt,
    Instant updatedAt) {

  static CollectionView of(Collection c, PreviewSettings preview, PublicationState publication) {
    CollectionFields f = c.fields();
    return new CollectionView(c.id(), c.projectId(), c.userId(), f.title(), f.description(), c.status(), f.archived(),
        f.data(), f.editions(), f.price(), f.blockchain(), f.publishDate(), f.coverImageUrl(), f.batchMintEnabled(),
        f.batchMaxTokens(), f.encryptionEnabled(), c.current(), c.forkedFromId(), PreviewView.of(preview), c.custody(), publication,
        c.version(), c.createdAt(), c.updatedAt());
  }
}
