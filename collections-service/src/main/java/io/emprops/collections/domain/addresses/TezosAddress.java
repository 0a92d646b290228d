package io.emprops.collections.domain.addresses;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

/**
 * Tezos addresses: implicit accounts (tz1 ed25519, tz2 secp256k1, tz3 p256) and originated
 * contracts (KT1). Each is base58check: a 3-byte prefix, a 20-byte hash, then the first 4 bytes of
 * SHA-256(SHA-256(prefix + hash)).
 */
public final class TezosAddress {

  private static final String ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  private static final int ADDRESS_LENGTH = 36;
  private static final int DECODED_LENGTH = 3 + 20 + 4;
  private static final Map<String, String> PREFIX_BYTES_BY_TEXT = Map.of(
      "tz1", "06a19f", "tz2", "06a1a1", "tz3", "06a1a4", "KT1", "025a79");

  private TezosAddress() {}

  public static boolean isValid(String address) {
    if (address.length() != ADDRESS_LENGTH) {
      return false;
    }
    String expectedPrefix = PREFIX_BYTES_BY_TEXT.get(address.substring(0, 3));
    byte[] decoded = decodeBase58(address);
    if (expectedPrefix == null || decoded == null || decoded.length != DECODED_LENGTH) {
      return false;
    }
    byte[] payload = Arrays.copyOfRange(decoded, 0, DECODED_LENGTH - 4);
    byte[] checksum = Arrays.copyOfRange(decoded, DECODED_LENGTH - 4, DECODED_LENGTH);
    return HexFormat.of().formatHex(payload, 0, 3).equals(expectedPrefix)
        && Arrays.equals(Arrays.copyOf(doubleSha256(payload), 4), checksum);
  }

  /** The bytes a base58 string encodes (leading '1's are leading zero bytes); null if not base58. */
  static byte[] decodeBase58(String text) {
    BigInteger value = BigInteger.ZERO;
    BigInteger base = BigInteger.valueOf(58);
    int leadingZeros = 0;
    boolean leading = true;
    for (char c : text.toCharArray()) {
      int digit = ALPHABET.indexOf(c);
      if (digit < 0) {
        return null;
      }
      if (leading && digit == 0) {
        leadingZeros++;
      } else {
        leading = false;
      }
      value = value.multiply(base).add(BigInteger.valueOf(digit));
    }
    byte[] magnitude = value.toByteArray();
    int signByte = magnitude.length > 1 && magnitude[0] == 0 ? 1 : 0;
    int length = value.signum() == 0 ? 0 : magnitude.length - signByte;
    byte[] bytes = new byte[leadingZeros + length];
    System.arraycopy(magnitude, signByte, bytes, leadingZeros, length);
    return bytes;
  }

  private static byte[] doubleSha256(byte[] bytes) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return sha256.digest(sha256.digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JDK provides SHA-256", e);
    }
  }
}
