package io.emprops.generator.domain.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Picks are a published function of the hash (a minted token's image must be reproducible by
 * anyone, forever): the expected values below were computed by a separate implementation of the
 * documented rule (Python: {@code sha256(hash + ":" + name)}, first 8 bytes, top 53 bits as a
 * fraction of the total weight), not by this class.
 */
class HashSeededPickerTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "0xabababababababababababababababababababababababababababababababab, a, wild, y",
      "0x4d1f0c9b8a7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c, c, calm, y",
      "0x0000000000000000000000000000000000000000000000000000000000000000, c, wild, z"})
  void picksMatchAnIndependentImplementationOfTheDocumentedRule(String hash, String style, String mood,
      String palette) {
    assertThat(HashSeededPicker.pick(hash, "style", List.of("a", "b", "c"), List.of())).isEqualTo(style);
    assertThat(HashSeededPicker.pick(hash, "mood", List.of("calm", "wild"), List.of(1.0, 3.0))).isEqualTo(mood);
    assertThat(HashSeededPicker.pick(hash, "palette", List.of("x", "y", "z", "w"), List.of(5.0, 1.0, 1.0, 1.0)))
        .isEqualTo(palette);
  }
}
