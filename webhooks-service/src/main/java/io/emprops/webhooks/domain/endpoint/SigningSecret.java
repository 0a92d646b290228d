package io.emprops.webhooks.domain.endpoint;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * A signing secret as Standard Webhooks writes it: {@code whsec_} and the base64 of 32 random
 * bytes, which are the HMAC-SHA256 key.
 */
public final class SigningSecret {

  public static final String PREFIX = "whsec_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private SigningSecret() {}

  public static String generate() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /** The HMAC key of a {@code whsec_…} secret. */
  public static byte[] key(String secret) {
    return Base64.getDecoder().decode(secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret);
  }
}
