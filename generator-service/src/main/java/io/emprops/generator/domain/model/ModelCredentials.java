package io.emprops.generator.domain.model;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts model credentials at rest with AES-256-GCM. Each ciphertext is
 * {@code version(1) | nonce(12) | ciphertext+tag}, and the model id is bound as associated data,
 * so a ciphertext copied onto another model's row does not decrypt.
 */
public final class ModelCredentials {

  private static final byte VERSION = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;

  /** @param base64Key 32 bytes, base64 or base64url (env {@code EMPROPS_GENERATOR_CREDENTIALSKEY}) */
  public ModelCredentials(String base64Key) {
    if (base64Key == null || base64Key.isBlank()) {
      throw new IllegalArgumentException("emprops.generator.credentials-key must be set (32 bytes, base64)");
    }
    byte[] bytes;
    try {
      bytes = base64Key.contains("+") || base64Key.contains("/")
          ? Base64.getDecoder().decode(base64Key) : Base64.getUrlDecoder().decode(base64Key);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("emprops.generator.credentials-key is not base64", e);
    }
    if (bytes.length != 32) {
      throw new IllegalArgumentException("emprops.generator.credentials-key must decode to 32 bytes, not " + bytes.length);
    }
    this.key = new SecretKeySpec(bytes, "AES");
  }

  public byte[] encrypt(UUID modelId, String credential) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(modelId.toString().getBytes(StandardCharsets.US_ASCII));
      byte[] sealed = cipher.doFinal(credential.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(VERSION).put(nonce).put(sealed).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /** @throws IllegalStateException when the ciphertext was not made with this key for this model */
  public String decrypt(UUID modelId, byte[] ciphertext) {
    if (ciphertext.length < 1 + NONCE_BYTES + TAG_BITS / 8 || ciphertext[0] != VERSION) {
      throw new IllegalStateException("not a model credential ciphertext");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, ciphertext, 1, NONCE_BYTES));
      cipher.updateAAD(modelId.toString().getBytes(StandardCharsets.US_ASCII));
      byte[] plain = cipher.doFinal(ciphertext, 1 + NONCE_BYTES, ciphertext.length - 1 - NONCE_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("model credential does not decrypt with the configured key", e);
    }
  }
}
