package io.emprops.collections.domain;

import java.time.Instant;
import java.util.UUID;

/** A group of a user's collections; {@code isDefault} marks the one POST /projects/untitled returns. */
public record Project(
    UUID id, String userId, String name, boolean isDefault, long version, Instant createdAt, Instant updatedAt) {

  public static final int MAX_NAME_LENGTH = 200;
  public static final String DEFAULT_NAME = "Untitled";
}
