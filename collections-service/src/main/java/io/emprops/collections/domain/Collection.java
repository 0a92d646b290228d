package io.emprops.collections.domain;

import java.time.Instant;
import java.util.UUID;

/**
 * A collection row.
 *
 * @param custody the social identity holding it, or null when a real user owns it
 * @param forkedFromId the collection it was remixed from, if any
 */
public record Collection(
    UUID id,
    UUID projectId,
    String userId,
    CollectionStatus status,
    CollectionFields fields,
    boolean current,
    Custody custody,
    UUID forkedFromId,
    long version,
    Instant createdAt,
    Instant updatedAt) {

  public boolean isOwnedBy(String userId) {
    return this.userId.equals(userId);
  }

  /**
   * Who may read it without owning it: a published collection is public; a custodial one is shown
   * publicly as its social owner's (it has no account that could read it privately).
   */
  public boolean isPubliclyVisible() {
    return status == CollectionStatus.PUBLISHED || custody != null;
  }
}
