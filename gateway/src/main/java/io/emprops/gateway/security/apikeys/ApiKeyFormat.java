package io.emprops.gateway.security.apikeys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The shape of an API key: {@code emp_<lookup prefix>.<secret>}. The prefix (12 hex digits) is
 * stored in clear and finds the record in one lookup; the secret (32 random bytes) is only ever
 * stored as a SHA-256 digest. A fast digest is right here, unlike for passwords: 256 random bits
 * cannot be guessed offline, and a slow hash would cost every request.
 */
final class ApiKeyFormat {

  private static final String SCHEME = "emp_";
  private static final Pattern SHAPE = Pattern.compile("emp_([0-9a-f]{12})\\.([A-Za-z0-9_-]{43})");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A parsed key: the prefix to look it up by and the full key for the digest. */
  record ParsedKey(String prefix, String key) {}

  private ApiKeyFormat() {}

  static String newPrefix() {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  static String newKey(String prefix) {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return SCHEME + prefix + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  static Optional<ParsedKey> parse(String presented) {
    if (presented == null) {
      return Optional.empty();
    }
    var matcher = SHAPE.matcher(presented.trim());
    return matcher.matches()
        ? Optional.of(new ParsedKey(matcher.group(1), presented.trim()))
        : Optional.empty();
  }

  static String digest(String key) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  static boolean digestMatches(String key, String storedDigest) {
    return MessageDigest.isEqual(
        digest(key).getBytes(StandardCharsets.US_ASCII),
        storedDigest.getBytes(StandardCharsets.US_ASCII));
  }
}
