package io.emprops.collections.domain;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/**
 * Where a collection is on its way on-chain: {@code draft → publishing → published}, or
 * {@code publishing → publish_failed}, from which a new publication may be requested.
 */
public enum CollectionStatus {
  DRAFT("draft"),
  PUBLISHING("publishing"),
  PUBLISHED("published"),
  PUBLISH_FAILED("publish_failed");

  private final String wireName;

  CollectionStatus(String wireName) {
    this.wireName = wireName;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }

  /** Once publication has started, what was sent to the chain must no longer change. */
  public boolean isPublicationStarted() {
    return this == PUBLISHING || this == PUBLISHED;
  }

  public boolean canRequestPublication() {
    return this == DRAFT || this == PUBLISH_FAILED;
  }

  public static CollectionStatus fromWire(String value) {
    return Arrays.stream(values()).filter(s -> s.wireName.equals(value)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("Unknown collection status " + value));
  }
}
