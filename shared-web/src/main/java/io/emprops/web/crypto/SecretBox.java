package io.emprops.web.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets a service must be able to read back (model credentials, webhook signing secrets)
 * for storage at rest: AES-256-GCM under a configured key. A sealed value is
 * {@code version(1) | nonce(12) | ciphertext+tag}; the row it belongs to is bound as associated
 * data ({@code context}), so a value copied onto another row does not open.
 */
public final class SecretBox {

  private static final byte VERSION = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;
  private final String property;

  /**
   * @param base64Key 32 bytes, base64 or base64url
   * @param property the configuration property the key comes from, named in error messages
   * @throws IllegalArgumentException when the key is missing or not 32 bytes of base64
   */
  public SecretBox(String base64Key, String property) {
    this.property = property;
    if (base64Key == null || base64Key.isBlank()) {
      throw new IllegalArgumentException(property + " must be set (32 bytes, base64)");
    }
    byte[] bytes;
    try {
      bytes = base64Key.contains("+") || base64Key.contains("/")
          ? Base64.getDecoder().decode(base64Key) : Base64.getUrlDecoder().decode(base64Key);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(property + " is not base64", e);
    }
    if (bytes.length != 32) {
      throw new IllegalArgumentException(property + " must decode to 32 bytes, not " + bytes.length);
    }
    this.key = new SecretKeySpec(bytes, "AES");
  }

  /** @param context what the value belongs to (a row's id): required again to open it */
  public byte[] seal(String context, String secret) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(VERSION).put(nonce).put(sealed).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /** @throws IllegalStateException when the value was not sealed with this key for this context */
  public String open(String context, byte[] sealed) {
    if (sealed == null || sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != VERSION) {
      throw new IllegalStateException("not a sealed secret");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
      cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      byte[] plain = cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("sealed secret does not open with " + property + " for this row", e);
    }
  }
}
