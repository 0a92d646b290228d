package io.emprops.web.api;

/**
 * Versions in HTTP terms: a resource's ETag is its version ({@code "3"}); a write may send it back
 * in {@code If-Match} so that it only applies to the version the client read.
 */
public final class IfMatch {

  public static final String HEADER = "If-Match";

  private IfMatch() {}

  /** The version named by the header; null when the header is absent or {@code *}. */
  public static Long version(String header) {
    if (header == null || header.isBlank() || header.strip().equals("*")) {
      return null;
    }
    String tag = header.strip();
    if (tag.startsWith("W/")) {
      tag = tag.substring(2);
    }
    if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
      tag = tag.substring(1, tag.length() - 1);
    }
    try {
      return Long.parseLong(tag);
    } catch (NumberFormatException e) {
      throw ApiException.invalid(HEADER, "must be the ETag of the version you read, e.g. \"3\"");
    }
  }

  public static String etag(long version) {
    return "\"" + version + "\"";
  }
}
