package io.emprops.collections.domain.addresses;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.collections.domain.Blockchain;
import io.emprops.collections.domain.Violations;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReceiverAddressesTest {

  @Test
  void keccak256MatchesEthereumsKnownDigests() {
    assertThat(hex(Keccak256.hash(new byte[0])))
        .isEqualTo("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    assertThat(hex(Keccak256.hash("abc".getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo("4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    assertThat(hex(Keccak256.hash("The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo("4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15");
  }

  /** The same sponge with SHA-3's padding must agree with the JDK, across block boundaries. */
  @Test
  void theSpongeAgreesWithTheJdksSha3ForEveryLengthUpToThreeBlocks() throws Exception {
    MessageDigest sha3 = MessageDigest.getInstance("SHA3-256");
    byte[] message = new byte[3 * 136 + 1];
    new Random(42).nextBytes(message);
    for (int length = 0; length <= message.length; length++) {
      byte[] input = Arrays.copyOf(message, length);
      assertThat(hex(Keccak256.sponge(input, Keccak256.SHA3_PADDING))).as("length %d", length)
          .isEqualTo(hex(sha3.digest(input)));
    }
  }

  /** The test vectors of EIP-55 itself. */
  @ParameterizedTest
  @ValueSource(strings = {
      "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
      "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
      "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
      "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"})
  void eip55VectorsAreAcceptedAsWritten(String address) {
    assertThat(EvmAddress.checksummed(address)).contains(address);
    assertThat(EvmAddress.checksummed(address.toLowerCase())).contains(address);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", // last letter's case flipped
      "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", // second letter's case flipped
      "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe", // 39 digits
      "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAedd", // 41 digits
      "0xZaAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", // not hex
      "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed00"})
  void wrongChecksumsAndShapesAreRejected(String address) {
    assertThat(EvmAddress.checksummed(address)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "tz1burnburnburnburnburnburnburjAYjjX",
      "tz1VSUr8wwNhLAzempoch5d6hLRiTh8Cjcjb",
      "tz2BFTyPeYRzxd5aiBchbXN3WCZhx7BqbMBq",
      "tz3WXYtyDUNL91qfiCJtVUX746QpNv5i5ve5",
      "KT1PWx2mnDueood7fEmfbBDKx1D9BAnnXitn"})
  void validTezosAddressesPass(String address) {
    assertThat(TezosAddress.isValid(address)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "tz1VSUr8wwNhLAzempoch5d6hLRiTh8Cjcjc", // last character changed: checksum mismatch
      "tz1VSUr8wwNhLAzempoch5d6hLRiTh8Cjcj", // too short
      "tz4VSUr8wwNhLAzempoch5d6hLRiTh8Cjcjb", // unknown prefix
      "tz1VSUr8wwNhLAzempoch5d6hLRiTh8Cjcj0", // 0 is not base58
      "KT1burnburnburnburnburnburnburjAYjjX"}) // tz1's payload under KT1's prefix
  void invalidTezosAddressesFail(String address) {
    assertThat(TezosAddress.isValid(address)).isFalse();
  }

  @Test
  void addressesMustSuitTheCollectionsChain() {
    Violations violations = new Violations();
    assertThat(ReceiverAddresses.normalize("0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359", Blockchain.BASE, "a", violations))
        .contains("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359");
    assertThat(ReceiverAddresses.normalize("tz1burnburnburnburnburnburnburjAYjjX", Blockchain.ETHEREUM, "b", violations))
        .isEmpty();
    assertThat(ReceiverAddresses.normalize("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", Blockchain.TEZOS, "c", violations))
        .isEmpty();
    assertThat(ReceiverAddresses.normalize("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", null, "d", violations))
        .isEmpty();
    assertThat(violations.list()).extracting(e -> e.field()).containsExactly("b", "c", "d");
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
