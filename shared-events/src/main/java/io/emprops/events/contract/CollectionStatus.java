package io.emprops.events.contract;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Publication state of a collection (API: {@code status}); archiving is a separate flag. */
public enum CollectionStatus {
  @JsonProperty("draft") DRAFT,
  @JsonProperty("publishing") PUBLISHING,
  @JsonProperty("published") PUBLISHED,
  @JsonProperty("publish_failed") PUBLISH_FAILED
}
