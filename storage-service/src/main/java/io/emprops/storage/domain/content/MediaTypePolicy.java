package io.emprops.storage.domain.content;

import java.util.List;
import java.util.Locale;

/**
 * Which sniffed types are accepted: entries are exact types ({@code image/png}) or whole families
 * ({@code image/*}); refused entries win over allowed ones.
 */
public record MediaTypePolicy(List<String> allowed, List<String> refused) {

  public MediaTypePolicy {
    allowed = allowed.stream().map(MediaTypePolicy::normalize).toList();
    refused = refused.stream().map(MediaTypePolicy::normalize).toList();
  }

  public boolean accepts(String mediaType) {
    String type = normalize(mediaType);
    return allowed.stream().anyMatch(entry -> matches(entry, type))
        && refused.stream().noneMatch(entry -> matches(entry, type));
  }

  private static boolean matches(String entry, String type) {
    return entry.endsWith("/*") ? type.startsWith(entry.substring(0, entry.length() - 1)) : entry.equals(type);
  }

  private static String normalize(String type) {
    return type.strip().toLowerCase(Locale.ROOT);
  }
}
