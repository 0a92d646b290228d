package io.emprops.publishing.domain.token;

import java.util.Arrays;
import java.util.Locale;

/**
 * API.md: {@code minted} (confirmed on chain, generation not started), {@code generating},
 * {@code ready} (image stored, metadata final), {@code failed}. A status never goes back: ready and
 * failed are final.
 */
public enum TokenStatus {
  MINTED, GENERATING, READY, FAILED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isFinal() {
    return this == READY || this == FAILED;
  }

  public static TokenStatus fromWire(String value) {
    return Arrays.stream(values()).filter(s -> s.wireName().equals(value)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown token status " + value));
  }
}
