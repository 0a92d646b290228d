package io.emprops.collections.domain;

import java.time.Instant;
import java.util.UUID;

/**
 * A social identity and the user provisioned to hold its collections; {@code linkedUserId} is the
 * real user who claimed it, once someone has.
 */
public record SocialLink(
    UUID id,
    String socialOrg,
    String socialIdentifier,
    String provisionedUserId,
    String linkedUserId,
    Instant linkedAt,
    Instant createdAt) {

  /** Who owns what is made for this identity now. */
  public String currentOwner() {
    return linkedUserId != null ? linkedUserId : provisionedUserId;
  }
}
