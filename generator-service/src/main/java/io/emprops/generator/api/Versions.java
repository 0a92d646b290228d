package io.emprops.generator.api;

import io.emprops.web.api.ApiException;

/** Reads an {@code If-Match} header carrying a resource version ({@code "3"} or {@code 3}). */
final class Versions {

  private Versions() {}

  static Long fromIfMatch(String ifMatch) {
    if (ifMatch == null || ifMatch.isBlank()) {
      return null;
    }
    String value = ifMatch.trim();
    if (value.startsWith("W/")) {
      value = value.substring(2);
    }
    value = value.replace("\"", "");
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw ApiException.invalid("If-Match", "must be the resource's version, e.g. \"3\"");
    }
  }
}
