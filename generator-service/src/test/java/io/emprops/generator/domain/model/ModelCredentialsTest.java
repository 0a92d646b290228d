package io.emprops.generator.domain.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ModelCredentialsTest {

  private static String key(int bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[bytes]);
  }

  private final ModelCredentials credentials = new ModelCredentials(
      Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)));
  private final UUID model = UUID.randomUUID();

  @Test
  void aCredentialRoundTripsAndIsNotStoredInTheClear() {
    byte[] sealed = credentials.encrypt(model, "hf_secret_token");
    assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("hf_secret_token");
    assertThat(credentials.decrypt(model, sealed)).isEqualTo("hf_secret_token");
  }

  @Test
  void everyEncryptionUsesAFreshNonce() {
    assertThat(credentials.encrypt(model, "same")).isNotEqualTo(credentials.encrypt(model, "same"));
  }

  @Test
  void aCiphertextMovedToAnotherModelOrTamperedWithDoesNotDecrypt() {
    byte[] sealed = credentials.encrypt(model, "hf_secret_token");
    assertThatThrownBy(() -> credentials.decrypt(UUID.randomUUID(), sealed)).isInstanceOf(IllegalStateException.class);
    sealed[sealed.length - 1] ^= 1;
    assertThatThrownBy(() -> credentials.decrypt(model, sealed)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anotherKeyCannotRead() {
    byte[] sealed = credentials.encrypt(model, "hf_secret_token");
    ModelCredentials other = new ModelCredentials(key(32));
    assertThatThrownBy(() -> other.decrypt(model, sealed)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aMissingOrWrongSizedKeyRefusesToStart() {
    assertThatThrownBy(() -> new ModelCredentials(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ModelCredentials(key(16))).hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> new ModelCredentials("not base64 !!")).isInstanceOf(IllegalArgumentException.class);
  }
}
