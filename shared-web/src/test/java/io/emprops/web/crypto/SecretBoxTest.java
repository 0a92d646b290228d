package io.emprops.web.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretBoxTest {

  private static final String PROPERTY = "emprops.test.key";

  private static String key(int bytes, byte fill) {
    byte[] key = new byte[bytes];
    java.util.Arrays.fill(key, fill);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
  }

  private final SecretBox box = new SecretBox(key(32, (byte) 7), PROPERTY);

  @Test
  void aSecretRoundTripsAndIsNotStoredInTheClear() {
    byte[] sealed = box.seal("row-1", "whsec_secret");
    assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("whsec_secret");
    assertThat(box.open("row-1", sealed)).isEqualTo("whsec_secret");
  }

  @Test
  void everySealUsesAFreshNonce() {
    assertThat(box.seal("row-1", "same")).isNotEqualTo(box.seal("row-1", "same"));
  }

  @Test
  void aValueMovedToAnotherRowTamperedWithOrSealedUnderAnotherKeyDoesNotOpen() {
    byte[] sealed = box.seal("row-1", "whsec_secret");
    assertThatThrownBy(() -> box.open("row-2", sealed)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new SecretBox(key(32, (byte) 8), PROPERTY).open("row-1", sealed))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining(PROPERTY);
    sealed[sealed.length - 1] ^= 1;
    assertThatThrownBy(() -> box.open("row-1", sealed)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aMissingOrMalformedKeyIsRefusedNamingItsProperty() {
    assertThatThrownBy(() -> new SecretBox(null, PROPERTY)).hasMessageContaining(PROPERTY);
    assertThatThrownBy(() -> new SecretBox(key(16, (byte) 1), PROPERTY)).hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> new SecretBox("not base64 !!", PROPERTY)).hasMessageContaining(PROPERTY);
  }
}
