package io.emprops.generator.domain.model;

import io.emprops.web.crypto.SecretBox;
import java.util.UUID;

/**
 * Encrypts model credentials at rest ({@link SecretBox}: AES-256-GCM), the model id bound as
 * associated data, so a ciphertext copied onto another model's row does not decrypt.
 */
public final class ModelCredentials {

  private final SecretBox box;

  /** @param base64Key 32 bytes, base64 or base64url (env {@code EMPROPS_GENERATOR_CREDENTIALSKEY}) */
  public ModelCredentials(String base64Key) {
    this.box = new SecretBox(base64Key, "emprops.generator.credentials-key");
  }

  public byte[] encrypt(UUID modelId, String credential) {
    return box.seal(modelId.toString(), credential);
  }

  /** @throws IllegalStateException when the ciphertext was not made with this key for this model */
  public String decrypt(UUID modelId, byte[] ciphertext) {
    return box.open(modelId.toString(), ciphertext);
  }
}
