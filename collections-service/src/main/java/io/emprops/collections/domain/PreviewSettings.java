package io.emprops.collections.domain;

/** Whether the collection appears in the feed, and whether others may fork it. */
public record PreviewSettings(boolean enabled, boolean isRemixable) {

  public static final PreviewSettings HIDDEN = new PreviewSettings(false, false);

  /** What remix and from-template require of the collection they copy. */
  public boolean isOpenForRemix() {
    return enabled && isRemixable;
  }
}
