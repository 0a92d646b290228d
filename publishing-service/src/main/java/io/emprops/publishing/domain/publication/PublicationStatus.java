package io.emprops.publishing.domain.publication;

import java.util.Arrays;
import java.util.Locale;

/** API.md: {@code pending} (accepted, not yet sent), {@code submitted} (broadcast), {@code confirmed}, {@code failed}. */
public enum PublicationStatus {
  PENDING, SUBMITTED, CONFIRMED, FAILED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static PublicationStatus fromWire(String value) {
    return Arrays.stream(values()).filter(s -> s.wireName().equals(value)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown publication status " + value));
  }

  public boolean isActive() {
    return this == PENDING || this == SUBMITTED;
  }
}
