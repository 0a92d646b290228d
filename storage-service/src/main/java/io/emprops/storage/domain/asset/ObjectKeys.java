package io.emprops.storage.domain.asset;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Object keys (API.md, "Assets"): {@code uploads/{user_id}/{asset_id}/{file}} and
 * {@code generations/{user_id}/{job_id}/{generation}/{step_id}/{file}}. Every segment is safe in a
 * URL path as it is, so a key is also a CDN path: a user id that is not is replaced by a digest of
 * it, and file names keep only letters, digits, dots, dashes and underscores.
 */
public final class ObjectKeys {

  private static final Pattern SAFE_SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");
  private static final Pattern UNSAFE_CHARACTERS = Pattern.compile("[^A-Za-z0-9._-]+");
  private static final int MAX_FILE_NAME = 120;

  private ObjectKeys() {}

  public static String upload(String userId, UUID assetId, String fileName) {
    return "uploads/" + userSegment(userId) + "/" + assetId + "/" + fileName;
  }

  public static String generation(String userId, UUID jobId, int generation, int stepId, String fileName) {
    return "generations/" + userSegment(userId) + "/" + jobId + "/" + generation + "/" + stepId + "/" + fileName;
  }

  /**
   * A file name safe as a key segment: unsafe runs become {@code -}, leading dots go (no hidden or
   * {@code ..} names), at most 120 characters keeping the extension; {@code fallback} when nothing is left.
   */
  public static String safeFileName(String raw, String fallback) {
    String name = raw == null ? "" : raw;
    // Browsers send a path on some platforms: only its last part is the name.
    name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
    name = UNSAFE_CHARACTERS.matcher(name).replaceAll("-").replaceFirst("^[.-]+", "");
    if (name.length() > MAX_FILE_NAME) {
      int dot = name.lastIndexOf('.');
      String extension = dot > 0 && name.length() - dot <= 16 ? name.substring(dot) : "";
      name = name.substring(0, MAX_FILE_NAME - extension.length()) + extension;
    }
    return name.isEmpty() ? fallback : name;
  }

  /** {@code name} with {@code extension} (".png") instead of its own, or added when it has none. */
  public static String withExtension(String name, String extension) {
    if (extension.isEmpty()) {
      return name;
    }
    int dot = name.lastIndexOf('.');
    String base = dot > 0 ? name.substring(0, dot) : name;
    return base + extension;
  }

  static String userSegment(String userId) {
    if (SAFE_SEGMENT.matcher(userId).matches()) {
      return userId;
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(userId.getBytes(StandardCharsets.UTF_8));
      return "u-" + HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
